"""Time-based one-time passwords (RFC 6238) for authenticator apps."""
from __future__ import annotations

import base64
import hmac
import secrets
from urllib.parse import quote, urlencode

SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends
DIGITS = 6
PERIOD = 30
WINDOW = 1  # accept one step either side of now, for clock drift


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode()


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": PERIOD})
    return f"otpauth://totp/{quote(issuer)}:{quote(username)}?{query}"


def qr_svg_data_uri(uri: str) -> str:
    import segno  # slow import: only the enrollment page needs it

    return str(segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff"))


def normalize(code: str) -> str:
    return "".join(code.split())


def code_at(secret: str, step: int) -> str:
    import pyotp

    return str(pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD).at(step * PERIOD))


def matching_step(secret: str, code: str, *, now: float, after_step: int) -> int | None:
    """The time step this code belongs to, if it is right, near now and newer than after_step."""
    code = normalize(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = int(now) // PERIOD
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        # every candidate is compared, so the time taken does not tell which step matched
        if hmac.compare_digest(code_at(secret, step), code) and step > after_step:
            found = step
    return found
