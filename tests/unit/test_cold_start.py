"""What a cold start loads: registering every route imports views and models only, never a
service (each loads with the first request that needs it, through core.lazy). One new import at
module level would undo that silently; this test names it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

# The first-party modules a cold start loads, and no other: the app, the edge, every package's
# models and views, and the few small mechanisms the views name at import.
AT_COLD_START = {
    "chalicelib", "chalicelib.registry",
    "chalicelib.accounts", "chalicelib.accounts.confirm", "chalicelib.accounts.devices",
    "chalicelib.accounts.login", "chalicelib.accounts.models",
    "chalicelib.accounts.mails", "chalicelib.accounts.passwords", "chalicelib.accounts.preferences",
    "chalicelib.accounts.registration", "chalicelib.accounts.sessions", "chalicelib.accounts.views",
    "chalicelib.accounts.twofactor", "chalicelib.accounts.views_manage",
    "chalicelib.admin", "chalicelib.admin.models", "chalicelib.admin.views",
    "chalicelib.core", "chalicelib.core.aws", "chalicelib.core.clock", "chalicelib.core.config", "chalicelib.core.db",
    "chalicelib.core.errors", "chalicelib.core.journal", "chalicelib.core.keys", "chalicelib.core.languages",
    "chalicelib.core.lazy", "chalicelib.core.telemetry", "chalicelib.core.mail", "chalicelib.core.namespace",
    "chalicelib.core.origin",
    "chalicelib.core.ratelimit",
    "chalicelib.core.rendering", "chalicelib.core.signing", "chalicelib.core.storage", "chalicelib.core.switches",
    "chalicelib.core.translation",
    "chalicelib.downloads", "chalicelib.downloads.models", "chalicelib.downloads.views",
    "chalicelib.events", "chalicelib.events.models", "chalicelib.events.services", "chalicelib.events.tags",
    "chalicelib.forklift", "chalicelib.forklift.models", "chalicelib.forklift.views",
    "chalicelib.forklift.views_upload_sessions",
    "chalicelib.i18n", "chalicelib.i18n.views",
    "chalicelib.mfa", "chalicelib.mfa.models", "chalicelib.mfa.views",
    "chalicelib.mfa.views_keys",
    "chalicelib.oidc", "chalicelib.oidc.models", "chalicelib.oidc.views", "chalicelib.oidc.views_manage",
    "chalicelib.organizations", "chalicelib.organizations.models", "chalicelib.organizations.views",
    "chalicelib.organizations.views_teams",
    "chalicelib.packaging", "chalicelib.packaging.layout", "chalicelib.packaging.models", "chalicelib.packaging.names",
    "chalicelib.packaging.namespaces",
    "chalicelib.packaging.permissions", "chalicelib.packaging.views", "chalicelib.packaging.views_manage",
    "chalicelib.packaging.views_people",
    "chalicelib.recovery", "chalicelib.recovery.models", "chalicelib.recovery.views",
    "chalicelib.tokens", "chalicelib.tokens.models", "chalicelib.tokens.views",
    "chalicelib.upstream", "chalicelib.upstream.models", "chalicelib.upstream.views",
    "chalicelib.web", "chalicelib.web.forms", "chalicelib.web.jsonapi", "chalicelib.web.notices",
    "chalicelib.web.request", "chalicelib.web.responses", "chalicelib.web.routing", "chalicelib.web.views",
    "chalicelib.webhooks", "chalicelib.webhooks.models", "chalicelib.webhooks.views",
}


def loaded_by_import() -> list[str]:
    script = "import json, sys, app; print(json.dumps(sorted(m for m in sys.modules if m.startswith('chalicelib'))))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CHEESESHOP_STAGE": "test"}, check=True)
    return json.loads(done.stdout)


def test_a_cold_start_loads_views_and_models_only():
    loaded = set(loaded_by_import())
    assert sorted(loaded - AT_COLD_START) == [], "load these on first use (core.lazy), not at import"
    assert sorted(AT_COLD_START - loaded) == [], "no longer loaded at a cold start: take them off the list"
