"""Every table of every package, in one list: provisioning, `make package` and the
request middleware bind or create them from here. A new package's models.py adds its
MODELS tuple below."""
from __future__ import annotations

from pynamodb.models import Model

from chalicelib.accounts import models as accounts
from chalicelib.admin import models as admin
from chalicelib.core import aws, db, namespace, ratelimit, switches
from chalicelib.core.config import Settings
from chalicelib.downloads import models as downloads
from chalicelib.events import models as events
from chalicelib.forklift import models as forklift
from chalicelib.mfa import models as mfa
from chalicelib.oidc import models as oidc
from chalicelib.organizations import models as organizations
from chalicelib.packaging import models as packaging
from chalicelib.packaging import namespaces
from chalicelib.recovery import models as recovery
from chalicelib.tokens import models as tokens
from chalicelib.upstream import models as upstream
from chalicelib.webhooks import models as webhooks

MODELS: tuple[type[Model], ...] = (*accounts.MODELS, *events.MODELS, *mfa.MODELS, *packaging.MODELS,
                                   *tokens.MODELS, *oidc.MODELS, *admin.MODELS, *forklift.MODELS, *switches.MODELS,
                                   *ratelimit.MODELS, *recovery.MODELS, *namespace.MODELS, *organizations.MODELS,
                                   *namespaces.MODELS, *upstream.MODELS, *webhooks.MODELS,
                                   *downloads.MODELS)


def bind(settings: Settings) -> None:
    db.bind(MODELS, settings)


def reset() -> None:
    """Forget every client, binding and cached switch (tests start moto afresh)."""
    aws.reset()
    switches.forget()
    db.unbind(MODELS)
