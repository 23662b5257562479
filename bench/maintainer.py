"""A maintainer with two-factor, a verified address and an API token for all their projects,
made through the services as the account pages would; for the upload benchmarks."""
from __future__ import annotations


def token(username: str = "bench") -> str:
    from chalicelib.accounts.models import Email, User
    from chalicelib.core import clock
    from chalicelib.core.origin import Origin
    from chalicelib.mfa import second_factor as mfa
    from chalicelib.tokens import services as tokens

    now, address = clock.now(), f"{username}@example.com"
    User(username, display_username=username, primary_email=address, password_hash="-", password_changed_at=now,
         created_at=now, totp_secret=mfa.sealed_totp_secret("JBSWY3DPEHPK3PXP", username), totp_added_at=now).save()
    Email(username, address, address=address, verified=True, created_at=now, verified_at=now).save()
    return tokens.create(username, name="bench", projects=[], expires="", origin=Origin())
