from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pyotp

from chalicelib.mfa import totp

NOW = 1_780_000_000.0  # a fixed instant; codes below come from pyotp at known times


def test_secret_is_160_random_bits_in_base32():
    secrets = {totp.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(len(base64.b32decode(s)) == 20 for s in secrets)


def test_provisioning_uri_names_issuer_user_digits_and_period():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    uri = totp.provisioning_uri(secret, "Alice.B", "cheeseshop")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/cheeseshop:Alice.B")
    assert parse_qs(parts.query) == {"secret": [secret], "issuer": ["cheeseshop"],
                                     "digits": ["6"], "period": ["30"]}
    assert pyotp.parse_uri(uri).secret == secret


def test_accepts_now_and_one_step_either_side_only():
    secret = totp.new_secret()
    step = int(NOW) // 30
    for offset in (-1, 0, 1):
        code = pyotp.TOTP(secret).at(NOW + 30 * offset)
        assert totp.matching_step(secret, code, now=NOW, after_step=-1) == step + offset
    for offset in (-2, 2):
        assert totp.matching_step(secret, pyotp.TOTP(secret).at(NOW + 30 * offset), now=NOW, after_step=-1) is None


def test_a_step_at_or_before_the_last_used_one_is_refused():
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    step = int(NOW) // 30
    assert totp.matching_step(secret, code, now=NOW, after_step=step - 1) == step
    assert totp.matching_step(secret, code, now=NOW, after_step=step) is None


def test_spaces_are_stripped_and_malformed_codes_refused():
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    assert totp.matching_step(secret, f" {code[:3]} {code[3:]} ", now=NOW, after_step=-1) is not None
    for bad in ("", "12345", "1234567", "12345a", code + "0"):
        assert totp.matching_step(secret, bad, now=NOW, after_step=-1) is None


def test_qr_code_is_an_svg_data_uri():
    assert totp.qr_svg_data_uri("otpauth://totp/x:y?secret=AB").startswith("data:image/svg+xml")
