"""The README's route index (URL -> the module of its view) is the app's: a route added, moved
or removed without the index failing here. The message holds the index to paste."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

BEGIN, END = "<!-- route index: kept current by tests/unit/test_route_index.py -->", "<!-- end of the route index -->"


def route_index() -> str:
    script = ("import json, app; print(json.dumps([(path, sorted(methods), sorted({e.view_function.__module__ "
              "for e in methods.values()})) for path, methods in sorted(app.app.routes.items())]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CHEESESHOP_STAGE": "test"}, check=True)
    rows = ["| path | methods | view module |", "| --- | --- | --- |"]
    for path, methods, modules in json.loads(done.stdout):
        files = ", ".join(f"`{module.replace('.', '/')}.py`" for module in modules)
        rows.append(f"| `{path}` | {', '.join(methods)} | {files} |")
    return "\n".join(rows)


def test_the_readme_lists_every_route_with_the_module_of_its_view():
    readme = (ROOT / "README.md").read_text()
    assert BEGIN in readme and END in readme, f"the README lacks its route index:\n{BEGIN}\n{route_index()}\n{END}"
    shown = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    expected = route_index()
    assert shown == expected, f"the README's route index is out of date; it should read:\n{expected}"
