"""Logging in and out, changing and resetting passwords."""
from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib import accounts, clock, events, mail, passwords, ratelimit, sessions, signing, two_factor
from chalicelib.errors import InvalidCredentials, InvalidLink, ValidationError
from chalicelib.events import Origin, Tag
from chalicelib.models import EmailOwner, User, get_or_none, transaction


def find_user(login: str) -> User | None:
    """By username, or by an address verified on exactly one account."""
    login = login.strip()
    if "@" in login:
        owner = get_or_none(EmailOwner, login.lower())
        return get_or_none(User, owner.username) if owner else None
    if accounts.username_problem(login):
        return None
    return get_or_none(User, accounts.canonical(login))


def _limits(login: str, origin: Origin) -> tuple[tuple[ratelimit.Limit, str], ...]:
    return ((ratelimit.LOGIN_PER_USER, login.strip().lower()), (ratelimit.LOGIN_PER_IP, origin.ip))


@dataclass(frozen=True)
class LoginResult:
    username: str
    session_token: str | None = None  # logged in
    pending: str | None = None  # the password was right; a second factor must follow


def login(*, login: str, password: str, origin: Origin, previous_session: str | None = None,
          next_path: str = "/manage/account/") -> LoginResult:
    """Checks the password. Without a second factor the result holds a new session; with
    one, only a short-lived pending state for /account/two-factor/.

    A session the browser already had ends: logging in replaces it, never adds to it."""
    limits = _limits(login, origin)
    ratelimit.check(*limits)
    user = find_user(login)
    ok = passwords.verify(user.password_hash if user else None, password)
    if user is None or not ok:
        _failed(user, limits, origin)
        raise InvalidCredentials()
    if two_factor.has_two_factor(user):
        return LoginResult(user.username, pending=two_factor.pending_login(user, next_path))
    token, session = sessions.build(user.username, origin)
    actions: list[Action] = [User.last_login_at.set(session.created_at)]
    if passwords.needs_rehash(user.password_hash):
        actions.append(User.password_hash.set(passwords.hash_password(password)))
    with transaction() as t:
        t.save(session)
        t.update(user, actions=actions)
        t.save(events.build(user.username, Tag.LOGIN_SUCCESS, origin))
        if previous_session:
            t.delete(sessions.item(previous_session))
    return LoginResult(user.username, session_token=token)


def _failed(user: User | None, limits: tuple[tuple[ratelimit.Limit, str], ...], origin: Origin) -> None:
    counts = ratelimit.hit(*limits)
    if user is None:
        return
    events.record_event(user.username, Tag.LOGIN_FAILURE, origin)
    if counts[0] == ratelimit.LOGIN_PER_USER.count:  # tell the owner once, when logins pause
        events.record_event(user.username, Tag.LOGIN_LOCKED, origin)
        mail.send(user.primary_email, "login-rate-limited", username=user.display_username,
                  ip=origin.ip, minutes=ratelimit.LOGIN_PER_USER.seconds // 60)


def logout(token: str | None, username: str, origin: Origin) -> None:
    sessions.end(token)
    events.record_event(username, Tag.LOGOUT, origin)


def change_password(username: str, *, current: str, new: str, confirm: str,
                    origin: Origin) -> str:
    """Returns the token of a new session; every other session of the user ends."""
    user = User.get(username)
    if not passwords.verify(user.password_hash, current):
        raise ValidationError({"current_password": "Your current password is not correct."})
    _set_password(user, new, confirm, origin, Tag.PASSWORD_CHANGE)
    token, session = sessions.build(username, origin)
    session.save()
    return token


def _set_password(user: User, new: str, confirm: str, origin: Origin, tag: Tag) -> None:
    inputs = [user.username, user.full_name, user.primary_email]
    if problem := passwords.problems(new, confirm, user_inputs=inputs):
        raise ValidationError({"new_password": problem})
    if passwords.verify(user.password_hash, new):
        raise ValidationError({"new_password": "Choose a password different from the current one."})
    try:
        with transaction() as t:  # the condition makes a reset link single-use under races
            t.update(user, actions=[User.password_hash.set(passwords.hash_password(new)),
                                    User.password_changed_at.set(clock.now())],
                     condition=User.password_changed_at == user.password_changed_at)
            t.save(events.build(user.username, tag, origin))
    except TransactWriteError as exc:
        raise InvalidLink("The password was changed meanwhile. Please start again.") from exc
    sessions.end_all(user.username)
    mail.send(user.primary_email, "password-changed", username=user.display_username,
              ip=origin.ip, reset=tag is Tag.PASSWORD_RESET)


def _reset_payload(user: User) -> dict[str, str]:
    last_login = user.last_login_at.isoformat() if user.last_login_at else ""
    return {"user": user.username, "changed": user.password_changed_at.isoformat(),
            "login": last_login}


def request_password_reset(login: str, origin: Origin) -> None:
    """Mails a reset link if the account exists; answers the same either way."""
    ratelimit.check_and_hit((ratelimit.MAIL_PER_USER, login.strip().lower() or "-"),
                            (ratelimit.MAIL_PER_IP, origin.ip))
    user = find_user(login)
    if user is None:
        return
    token = signing.sign(signing.PASSWORD_RESET, _reset_payload(user))
    events.record_event(user.username, Tag.PASSWORD_RESET_REQUEST, origin)
    mail.send(user.primary_email, "password-reset", username=user.display_username,
              link=mail.link("/account/reset-password/", token=token),
              minutes=signing.MAX_AGE[signing.PASSWORD_RESET] // 60)


def user_for_reset(token: str) -> User:
    """The user a reset link is for, while it is still good."""
    payload = signing.unsign(signing.PASSWORD_RESET, token)
    user = get_or_none(User, str(payload.get("user", "")))
    if user is None or payload != _reset_payload(user):
        raise InvalidLink()
    return user


def reset_password(token: str, *, new: str, confirm: str, origin: Origin) -> None:
    """Sets the new password and ends every session. It does not log the user in."""
    _set_password(user_for_reset(token), new, confirm, origin, Tag.PASSWORD_RESET)



def confirm_password(token: str | None, username: str, password: str, origin: Origin) -> None:
    """Re-entering the password before a sensitive change; limited like logins."""
    limits = _limits(username, origin)
    ratelimit.check(*limits)
    user = User.get(username)
    if not token or not passwords.verify(user.password_hash, password):
        ratelimit.hit(*limits)
        events.record_event(username, Tag.PASSWORD_CONFIRM_FAILURE, origin)
        raise ValidationError({"password": "Your password is not correct."})
    sessions.reauthenticated(token)
