"""Outgoing mail: text and HTML parts from templates, sent through SES.

Where a mail directory is configured (`local`), every message is also written there as
an .eml file, so a developer can open the link it carries.
"""
from __future__ import annotations

import logging
import secrets
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws, clock, rendering, translation
from chalicelib.core.config import get_settings
from chalicelib.core.translation import N_, gettext

log = logging.getLogger(__name__)

SUBJECTS = {
    "verify-email": N_("Verify your email address for cheeseshop"),
    "password-reset": N_("Reset your cheeseshop password"),
    "password-changed": N_("Your cheeseshop password has changed"),
    "email-added": N_("An email address was added to your cheeseshop account"),
    "login-rate-limited": N_("Failed logins to your cheeseshop account"),
    "two-factor-changed": N_("Two-factor authentication changed on your cheeseshop account"),
    "recovery-codes-generated": N_("New recovery codes for your cheeseshop account"),
    "recovery-code-used": N_("A recovery code was used on your cheeseshop account"),
    "security-key-cloned": N_("A copy of your security key was refused"),
    "passkey-added": N_("A passkey was added to your cheeseshop account"),
    "passkey-sign-in": N_("Signed in to cheeseshop with a passkey"),
    "passkey-cloned": N_("A copy of your passkey was refused"),
    "token-created": N_("A new API token was made for your cheeseshop account"),
    "token-revoked": N_("An API token of your cheeseshop account was revoked"),
    "sessions-ended": N_("Sessions of your cheeseshop account were ended"),
    "confirm-login": N_("Confirm a login to your cheeseshop account from a new device"),
    "recovery-requested": N_("Someone asked to recover your cheeseshop account"),
    "recovery-started": N_("An administrator started the recovery of your cheeseshop account"),
    "recovery-cancelled": N_("The recovery of your cheeseshop account was cancelled"),
    "recovery-completed": N_("Your cheeseshop account was recovered"),
    "collaborator-recovered": N_("A collaborator's cheeseshop account was recovered"),
    "role-invitation": N_("You are invited to a project on cheeseshop"),
    "role-changed": N_("A role changed on a cheeseshop project"),
    "organization-invitation": N_("You are invited to an organization on cheeseshop"),
    "organization-role-changed": N_("A membership changed in a cheeseshop organization"),
    "team-membership-changed": N_("Your teams changed in a cheeseshop organization"),
    "team-role-changed": N_("A team's role changed on a cheeseshop project"),
    "project-transferred": N_("A cheeseshop project was transferred"),
    "organization-project-created": N_("A project was created in a cheeseshop organization"),
    "organization-reviewed": N_("An administrator reviewed your cheeseshop organization"),
    "project-deleted": N_("Something was deleted from a cheeseshop project"),
    "publisher-changed": N_("A trusted publisher changed on a cheeseshop project"),
    "pending-publisher-changed": N_("A pending trusted publisher changed on your cheeseshop account"),
    "project-status": N_("The status of a cheeseshop project changed"),
    "project-visibility": N_("A cheeseshop project was made private or public"),
    "account-suspended": N_("Your cheeseshop account is suspended"),
    "account-restored": N_("Your cheeseshop account is restored"),
    "webhook-changed": N_("A webhook changed on a cheeseshop project"),
}


def compose(to: str, template: str, context: dict[str, Any]) -> EmailMessage:
    """The message in the current language (see send)."""
    settings = get_settings()
    context = {"site_url": settings.url("/"), **context}
    if "ip" in context and not context["ip"]:
        context["ip"] = gettext("an unknown address")
    message = EmailMessage()
    message["Subject"] = gettext(SUBJECTS[template])
    message["From"] = settings.mail_sender
    message["To"] = to
    message["Date"] = formatdate(clock.now().timestamp(), usegmt=True)
    message["Message-ID"] = make_msgid(domain="cheeseshop.local")
    message.set_content(rendering.render(f"mail/{template}.txt", context))
    message.add_alternative(rendering.render(f"mail/{template}.html", context), subtype="html")
    message["Content-Language"] = translation.current()  # after the parts: setting content clears it
    return message


def send(to: str, template: str, language: str | None = None, **context: Any) -> None:
    """Mails `to` in `language` (the recipient's choice) or, without one, in the language of
    the request that caused the mail."""
    with translation.using(language):
        message = compose(to, template, context)
    settings = get_settings()
    if settings.mail_dir:
        _write_eml(Path(settings.mail_dir), message)
    try:
        aws.client("ses").send_raw_email(RawMessage={"Data": message.as_bytes()})
    except (BotoCoreError, ClientError):
        # The change the mail reports is already made; a lost mail must not turn it into an error.
        log.exception("could not send %s mail", template)


def _write_eml(folder: Path, message: EmailMessage) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{clock.now().strftime('%Y%m%dT%H%M%S.%f')}-{secrets.token_hex(3)}.eml"
    (folder / name).write_bytes(message.as_bytes())


def link(path: str, **params: str) -> str:
    """An absolute link into the site, built from configuration, never the Host header."""
    from urllib.parse import urlencode

    return get_settings().url(path) + ("?" + urlencode(params) if params else "")
