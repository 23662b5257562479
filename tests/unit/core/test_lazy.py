"""Modules named lazily by views: each is a real module imported on first use, and every
name imported for type checking beside lazy stand-ins (`if TYPE_CHECKING: ... else: ...`)
has its stand-in."""
from __future__ import annotations

import ast
import sys

from chalicelib.core.lazy import lazy
from tests.conftest import ROOT


def test_a_lazy_module_imports_on_first_use():
    sys.modules.pop("colorsys", None)
    colors = lazy("colorsys")
    assert "colorsys" not in sys.modules
    assert colors.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert "colorsys" in sys.modules


def test_every_type_checking_import_has_its_stand_in():
    missing = {}
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING" and node.orelse:
                imported = {alias.asname or alias.name for statement in node.body for alias in statement.names}
                assigned = {target.id for statement in node.orelse for target in statement.targets}
                if imported - assigned:
                    missing[str(path.relative_to(ROOT))] = imported - assigned
    assert missing == {}
