"""The shape of chalicelib/: one package per domain, modules of readable size, Chalice only
at the web edge, no import cycles, and one place for each shared rule."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "chalicelib"
MAX_LINES = 300


def modules() -> dict[str, Path]:
    return {".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
            for path in PACKAGE.rglob("*.py")}


def imports(path: Path) -> set[str]:
    """Every module this file imports, at any depth (imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def internal_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {target for target in imports(path) if target in known and target != name}
            for name, path in known.items()}


def test_no_module_is_over_the_size_habit():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_chalice_is_imported_only_at_the_web_edge():
    users = {name for name, path in modules().items()
             if any(target == "chalice" or target.startswith("chalice.") for target in imports(path))}
    assert users and all(name.startswith("chalicelib.web") for name in users), users


def test_core_depends_on_no_domain():
    graph = internal_graph()
    for name, targets in graph.items():
        if name.startswith("chalicelib.core"):
            assert all(t.startswith("chalicelib.core") for t in targets), (name, targets)


def test_models_depend_only_on_core():
    for name, targets in internal_graph().items():
        if name.endswith(".models"):
            assert all(t.startswith("chalicelib.core") for t in targets), (name, targets)


def test_services_never_import_views_or_the_web_edge():
    for name, targets in internal_graph().items():
        if name.startswith("chalicelib.web") or ".views" in name or name == "chalicelib.registry":
            continue
        assert not any(t.startswith("chalicelib.web") or ".views" in t for t in targets), (name, targets)


def test_there_is_no_import_cycle():
    graph, state, path = internal_graph(), {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if target.rsplit(".", 1)[0] == node:  # `from package import module` names the package too
                continue
            assert state.get(target) != "open", " -> ".join(path[path.index(target):] + [target])
            if target not in state:
                visit(target)
        path.pop()
        state[node] = "done"
    for node in sorted(graph):
        if node not in state:
            visit(node)


def sources_mentioning(text: str) -> set[str]:
    return {name for name, path in modules().items() if text in path.read_text()}


def test_a_successful_login_is_recorded_in_one_place():
    assert sources_mentioning("Tag.LOGIN_SUCCESS") - {"chalicelib.events.tags"} == {"chalicelib.accounts.login"}


def calling(function: str) -> set[str]:
    """The modules that call `function` by that name (attribute calls count: `mail.send`)."""
    def name(node: ast.expr) -> str:
        return node.id if isinstance(node, ast.Name) else f"{name(node.value)}.{node.attr}" \
            if isinstance(node, ast.Attribute) else ""
    return {module for module, path in modules().items() for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and name(node.func) == function}


def test_one_way_for_each_common_thing():
    assert calling("Event") == {"chalicelib.events.services"}  # events.services.record
    assert calling("AdminAction") == {"chalicelib.admin.log"}
    # A user is mailed in their language by accounts.mails; only a new address is mailed before it is theirs.
    assert calling("mail.send") == {"chalicelib.accounts.mails", "chalicelib.accounts.registration"}
    assert sources_mentioning("_get_connection()") == {"chalicelib.core.db", "chalicelib.core.items"}
    assert sources_mentioning("isoformat()}#") == {"chalicelib.core.journal"}  # a journal entry's key


def test_release_fields_are_listed_once():
    from chalicelib.packaging.models import RELEASE_FIELDS

    spelled = {name for name, path in modules().items() if sum(f"{field}:" in path.read_text().replace(" ", "")
                                                                for field in RELEASE_FIELDS) > len(RELEASE_FIELDS) // 2}
    assert spelled == {"chalicelib.packaging.models"}


def test_roles_are_decided_by_the_permission_module_alone():
    assert sources_mentioning('"Owner"') == {"chalicelib.packaging.permissions"}
    readers = {name for name, path in modules().items() if "chalicelib.packaging.models.Role" in imports(path)}
    assert readers == {"chalicelib.packaging.permissions", "chalicelib.packaging.collaborators"}  # decides; writes


def test_the_two_factor_fields_are_read_by_the_factor_facts_and_the_policy_alone():
    readers = {name for name in modules() if name.startswith("chalicelib") and ".models" not in name
               for field in ("webauthn_keys", "totp_added_at") if f".{field}" in modules()[name].read_text()}
    assert readers <= {"chalicelib.accounts.twofactor", "chalicelib.mfa.policy", "chalicelib.mfa.enrollment",
                       "chalicelib.mfa.security_keys"}


# Which package's modules may import which, listed once. Views sit at the edge and may import any
# package, and so do the registry of every table and the local provisioning; every other module
# (services, models, mechanisms) imports only along these edges, which have a direction (no cycle).
EDGES = {
    "core": set(),
    "events": {"core"},
    "i18n": {"core"},
    "accounts": {"core", "events"},
    "packaging": {"accounts", "core", "events"},
    "mfa": {"accounts", "core", "events", "packaging"},
    "tokens": {"accounts", "core", "events", "packaging"},
    "forklift": {"accounts", "admin", "core", "events", "organizations", "packaging", "provenance", "tokens",
                 "upstream"},
    "oidc": {"accounts", "core", "events", "organizations", "packaging", "tokens", "upstream"},
    "admin": {"accounts", "core", "events", "oidc", "organizations", "packaging", "upstream"},
    "recovery": {"accounts", "admin", "core", "events", "mfa", "packaging", "tokens"},
    "readers": {"accounts", "core", "packaging", "tokens"},
    "organizations": {"accounts", "core", "events", "packaging", "upstream"},
    "upstream": {"core", "packaging"},
    "provenance": {"core"},
    "downloads": {"core"},
    "webhooks": {"core", "events", "packaging"},
    "web": {"accounts", "core", "events", "registry"},
}
AT_THE_EDGE = {"chalicelib", "registry", "provision"}


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "chalicelib"


def test_packages_import_along_the_listed_edges_only():
    found: dict[str, set[str]] = {}
    for name, targets in internal_graph().items():
        if ".views" in name or package(name) in AT_THE_EDGE:
            continue
        for target in targets:
            if package(target) not in (package(name), "chalicelib"):
                found.setdefault(package(name), set()).add(package(target))
    unlisted = {source: sorted(targets - EDGES.get(source, set())) for source, targets in found.items()
                if targets - EDGES.get(source, set())}
    assert unlisted == {}, "move the mechanism down to core, or list the edge if it is meant (never a cycle)"


def test_the_listed_edges_have_a_direction():
    import graphlib

    order = list(graphlib.TopologicalSorter(EDGES).static_order())  # CycleError names a cycle
    assert order[0] == "core"
