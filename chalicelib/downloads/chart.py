"""The statistics page's chart, drawn on the server: one bar per day, as geometry the template
writes out as inline SVG (no script). Heights are read against labelled grid lines, and every
bar's number is in its title and in the table beside the chart: nothing depends on colour."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 32  # room for the axes' labels
LABEL_EVERY = 30  # days between dates written under the bars


class Bar(NamedTuple):  # one day's
    x: float
    y: float
    width: float
    height: float
    day: date
    downloads: int


class Line(NamedTuple):
    y: float
    value: int


class Label(NamedTuple):
    x: float
    day: date
    anchor: str  # SVG's text-anchor: the last label ends at the plot's edge, inside the picture


class Chart(NamedTuple):
    width: int
    height: int
    left: int
    right: float  # where the plot ends
    bottom: float  # the zero line
    bars: list[Bar]
    lines: list[Line]
    labels: list[Label]


def ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least value (the axis's top)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def chart(values: list[tuple[date, int]]) -> Chart:
    """The chart of these (day, downloads), oldest first."""
    top = ceiling(max((n for _, n in values), default=0) or 1)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(values), 1)
    bottom = TOP + plot_height
    bars = [Bar(round(LEFT + i * slot + slot * 0.1, 2), round(bottom - n / top * plot_height, 2), round(slot * 0.8, 2),
                round(n / top * plot_height, 2), day, n) for i, (day, n) in enumerate(values)]
    lines = [Line(round(bottom - fraction * plot_height, 2), int(top * fraction)) for fraction in (0, 0.5, 1)
             if fraction == 0 or top * fraction == int(top * fraction)]
    last = len(values) - 1
    labels = [Label(WIDTH - RIGHT, day, "end") if i == last else
              Label(round(LEFT + i * slot + slot / 2, 2), day, "middle")
              for i, (day, _) in enumerate(values) if (last - i) % LABEL_EVERY == 0]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, bottom, bars, lines, labels)
