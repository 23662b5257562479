"""Domain exceptions. Services raise them; one mapping at the edge (views/web.py)
turns them into pages with a status code. Each carries what the user must see, in the
language of the request (class messages are marked here and translated when raised)."""
from __future__ import annotations

from chalicelib.core.translation import N_, N_plural, gettext, ngettext


class CheeseshopError(Exception):
    status = 400
    message = N_("The request could not be completed.")

    def __init__(self, message: str | None = None) -> None:
        """message: already in the reader's language; without one, the class's, translated now."""
        self.message = message if message is not None else gettext(self.message)
        super().__init__(self.message)


class ValidationError(CheeseshopError):
    """Form input was refused; `errors` maps a field name to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(gettext("Please correct the errors below."))
        self.errors = errors


class InvalidCredentials(CheeseshopError):
    status = 401
    message = N_("The username or password is not correct.")


TOO_MANY_ATTEMPTS = N_plural("Too many attempts. Please wait %(num)d minute and try again.",
                             "Too many attempts. Please wait %(num)d minutes and try again.")


class RateLimited(CheeseshopError):
    status = 429

    def __init__(self, retry_after: int, message: tuple[str, str] = TOO_MANY_ATTEMPTS) -> None:
        """message: a singular and plural pair (N_plural) taking the minutes to wait as %(num)d."""
        super().__init__(ngettext(*message, max(1, (retry_after + 59) // 60)))
        self.retry_after = retry_after


class InvalidCode(CheeseshopError):
    status = 401
    message = N_("The code is not valid. Check it and try again.")


class TwoFactorRequired(CheeseshopError):
    status = 403
    message = N_("Set up two-factor authentication to use this page.")


class LoginExpired(CheeseshopError):
    status = 401
    message = N_("Your login took too long or is no longer valid. Please log in again.")


class UploadRefused(CheeseshopError):
    """A refused upload: the message is what twine shows (retry_after: seconds, for a 429)."""

    def __init__(self, message: str, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class InvalidLink(CheeseshopError):
    message = N_("This link is invalid, has expired or has already been used.")


class CsrfFailure(CheeseshopError):
    status = 403
    message = N_("The form has expired or did not come from this site. Please reload the page and try again.")


class NotLoggedIn(CheeseshopError):
    status = 401
    message = N_("Please log in to continue.")


class NotFound(CheeseshopError):
    status = 404
    message = N_("Not found.")


class EmailNotVerified(CheeseshopError):
    status = 403
    message = N_("Verify your primary email address before adding a second factor.")


class AlreadyEnrolled(CheeseshopError):
    status = 409
    message = N_("Your account already has an authenticator app. Remove it first to add another.")


class ChallengeExpired(CheeseshopError):
    message = N_("This security key request has expired or was already used. Please try again.")


class AccountSuspended(CheeseshopError):
    status = 403
    message = N_("This account is suspended: it cannot log in. If you think this is a mistake, write to the "
                 "administrators of this index.")


class Halted(CheeseshopError):
    """An administrator halted this for now (new accounts, new projects)."""

    status = 403


class TokenRefused(CheeseshopError):
    status = 403
    # An answer to twine, never translated (chalicelib.web.routing: for_tools).
    message = "Make a new API token in your account settings: this one is invalid or expired."


class Conflict(CheeseshopError):
    status = 409
    message = N_("Something changed at the same time: reload the page and try again.")
