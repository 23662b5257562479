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

from chalicelib.core import aws, clock, rendering
from chalicelib.core.config import get_settings

log = logging.getLogger(__name__)

SUBJECTS = {
    "verify-email": "Verify your email address for cheeseshop",
    "password-reset": "Reset your cheeseshop password",
    "password-changed": "Your cheeseshop password has changed",
    "email-added": "An email address was added to your cheeseshop account",
    "login-rate-limited": "Failed logins to your cheeseshop account",
    "two-factor-changed": "Two-factor authentication changed on your cheeseshop account",
    "recovery-codes-generated": "New recovery codes for your cheeseshop account",
    "recovery-code-used": "A recovery code was used on your cheeseshop account",
    "security-key-cloned": "A copy of your security key was refused",
    "token-created": "A new API token was made for your cheeseshop account",
    "token-revoked": "An API token of your cheeseshop account was revoked",
    "role-invitation": "You are invited to a project on cheeseshop",
    "role-changed": "A role changed on a cheeseshop project",
    "project-deleted": "Something was deleted from a cheeseshop project",
}


def compose(to: str, template: str, context: dict[str, Any]) -> EmailMessage:
    settings = get_settings()
    context = {"site_url": settings.url("/"), **context}
    message = EmailMessage()
    message["Subject"] = SUBJECTS[template]
    message["From"] = settings.mail_sender
    message["To"] = to
    message["Date"] = formatdate(clock.now().timestamp(), usegmt=True)
    message["Message-ID"] = make_msgid(domain="cheeseshop.local")
    message.set_content(rendering.render(f"mail/{template}.txt", context))
    message.add_alternative(rendering.render(f"mail/{template}.html", context), subtype="html")
    return message


def send(to: str, template: str, **context: Any) -> None:
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
