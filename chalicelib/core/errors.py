"""Domain exceptions. Services raise them; one mapping at the edge (views/web.py)
turns them into pages with a status code. Each carries what the user must see."""
from __future__ import annotations


class CheeseshopError(Exception):
    status = 400
    message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class ValidationError(CheeseshopError):
    """Form input was refused; `errors` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please correct the errors below.")
        self.errors = errors


class InvalidCredentials(CheeseshopError):
    status = 401
    message = "The username or password is not correct."


class RateLimited(CheeseshopError):
    status = 429

    def __init__(self, retry_after: int, what: str = "attempts") -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            f"Too many {what}. Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
        )
        self.retry_after = retry_after


class InvalidCode(CheeseshopError):
    status = 401
    message = "The code is not valid. Check it and try again."


class TwoFactorRequired(CheeseshopError):
    status = 403
    message = "Set up two-factor authentication to use this page."


class LoginExpired(CheeseshopError):
    status = 401
    message = "Your login took too long or is no longer valid. Please log in again."


class UploadRefused(CheeseshopError):
    """A refused upload: the message is what twine shows."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class InvalidLink(CheeseshopError):
    message = "This link is invalid, has expired or has already been used."


class CsrfFailure(CheeseshopError):
    status = 403
    message = "The form has expired or did not come from this site. Please reload the page and try again."


class NotLoggedIn(CheeseshopError):
    status = 401
    message = "Please log in to continue."


class NotFound(CheeseshopError):
    status = 404
    message = "Not found."


class EmailNotVerified(CheeseshopError):
    status = 403
    message = "Verify your primary email address before adding a second factor."


class AlreadyEnrolled(CheeseshopError):
    status = 409
    message = "Your account already has an authenticator app. Remove it first to add another."


class ChallengeExpired(CheeseshopError):
    message = "This security key request has expired or was already used. Please try again."


class TokenRefused(CheeseshopError):
    status = 403
    message = "Make a new API token in your account settings: this one is invalid or expired."


class Conflict(CheeseshopError):
    status = 409
    message = "Something changed at the same time: reload the page and try again."
