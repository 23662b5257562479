from __future__ import annotations

from argon2 import PasswordHasher

from chalicelib.accounts import passwords

GOOD = "correct horse battery staple"


def test_hash_is_argon2id_and_verifies():
    hashed = passwords.hash_password(GOOD)
    assert hashed.startswith("$argon2id$")
    assert passwords.verify(hashed, GOOD)
    assert not passwords.verify(hashed, GOOD + "!")


def test_no_account_and_garbage_hashes_never_verify():
    assert not passwords.verify(None, "cheeseshop-dummy-password")
    assert not passwords.verify("not-a-hash", GOOD)


def test_needs_rehash_when_parameters_are_weaker():
    assert passwords.needs_rehash(PasswordHasher(time_cost=1, memory_cost=8192).hash(GOOD))
    assert not passwords.needs_rehash(passwords.hash_password(GOOD))


def test_policy():
    def why(password: str, confirm: str | None = None, inputs: tuple[str, ...] = ()) -> str | None:
        return passwords.problems(password, password if confirm is None else confirm, user_inputs=list(inputs))

    assert why(GOOD) is None
    assert "at least 8" in why("Ab1!xyz")
    assert "at most 4096" in why("a" * 4097)
    assert "do not match" in why(GOOD, GOOD.upper())
    assert "too common" in why("Password1")  # the list is case-insensitive
    assert "too easy" in why("maryjones1979", inputs=("maryjones",))


def test_common_list_ships_with_the_package_and_skips_comments():
    common = passwords._common_passwords()
    assert len(common) > 5000
    assert "12345678" in common
    assert not any(entry.startswith("#") for entry in common)
