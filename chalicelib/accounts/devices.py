"""Known devices: the browsers that completed a login to an account. The browser keeps a signed
cookie with the device's id; the account keeps an item per device (when first and last seen,
from where), listed on the account page, where its user can forget one. A browser is a known
device only while both agree: a cookie signed for this account, and its item still there (the
login limits, counted before the password is checked, go by the signature alone)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.transactions import TransactWrite

from chalicelib.accounts.models import KnownDevice
from chalicelib.core import signing
from chalicelib.core.config import get_settings
from chalicelib.core.db import get_or_none
from chalicelib.core.errors import CheeseshopError
from chalicelib.core.origin import Origin

KEEP_FOR = timedelta(seconds=signing.MAX_AGE[signing.KNOWN_DEVICE])


class DeviceInfo(NamedTuple):
    id: str
    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str
    current: bool


def signed_id(cookie: str, username: str) -> str | None:
    """The device id a cookie signed for this account carries (no read: enough for the login limits)."""
    try:
        payload = signing.unsign(signing.KNOWN_DEVICE, cookie) if cookie else {}
    except CheeseshopError:
        return None
    return str(payload["id"]) if payload.get("user") == username and payload.get("id") else None


def known(cookie: str, username: str) -> KnownDevice | None:
    """The device this browser's cookie names, if it is a known device of this account."""
    device_id = signed_id(cookie, username)
    return get_or_none(KnownDevice, username, device_id) if device_id else None


def seen(t: TransactWrite, username: str, origin: Origin, now: datetime) -> str | None:
    """In a login's transaction: the browser is a known device of the account from now on, seen
    now. Returns a new cookie for it, or None when the one it sent still names a known device."""
    device = known(origin.device, username)
    device_id = device.id if device is not None else secrets.token_urlsafe(12)
    t.save(KnownDevice(username, device_id, created_at=device.created_at if device is not None else now,
                       last_seen_at=now, ip=origin.ip, user_agent=origin.user_agent[:512], expires=now + KEEP_FOR))
    return None if device is not None else signing.sign(signing.KNOWN_DEVICE, {"user": username, "id": device_id})


class LoginHeld(Exception):
    """A login from a browser the account has not seen: it waits for the link mailed to the user,
    which works for `minutes`."""

    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


def must_confirm(username: str, origin: Origin) -> bool:
    """Whether a login by code from this browser waits for a mailed link (CHEESESHOP_CONFIRM_NEW_DEVICES)."""
    return get_settings().confirm_new_devices and known(origin.device, username) is None


def of_user(username: str, cookie: str) -> list[DeviceInfo]:
    """The account's known devices, the most recently seen first; `current` marks this browser."""
    mine = signed_id(cookie, username)
    return sorted((DeviceInfo(d.id, d.created_at, d.last_seen_at, d.ip, d.user_agent, d.id == mine)
                   for d in KnownDevice.query(username)), key=lambda d: d.last_seen_at, reverse=True)


def forget(t: TransactWrite, username: str, device_id: str) -> None:
    """Forgets one of the user's devices (a cancelled transaction when it is not known)."""
    t.delete(KnownDevice(username, device_id), condition=KnownDevice.id.exists())
