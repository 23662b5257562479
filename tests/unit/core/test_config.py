from __future__ import annotations

import pytest

from chalicelib.core import config


def settings(monkeypatch, **env: str) -> config.Settings:
    for name in config.ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return config.get_settings()


def test_local_defaults_point_at_moto(monkeypatch):
    s = settings(monkeypatch)
    assert s.stage == "local" and s.aws_endpoint == "http://127.0.0.1:5000"
    assert s.secret_key == config.DEV_SECRET_KEY
    assert not s.cookie_secure
    assert s.url("/account/login/") == "http://127.0.0.1:8000/account/login/"


def test_prod_needs_a_secret_and_uses_secure_cookies_and_the_stage_prefix(monkeypatch):
    with pytest.raises(config.ConfigurationError):
        settings(monkeypatch, CHEESESHOP_STAGE="prod")
    s = settings(monkeypatch, CHEESESHOP_STAGE="prod", CHEESESHOP_SECRET_KEY="s" * 40,
                 CHEESESHOP_PATH_PREFIX="/api/", CHEESESHOP_BASE_URL="https://x.example.execute-api.test")
    assert s.cookie_secure and s.aws_endpoint is None
    assert s.url("/account/") == "https://x.example.execute-api.test/api/account/"


@pytest.mark.parametrize("stage", ["staging", "dev", "Local"])
def test_only_the_local_stages_run_on_the_development_key(monkeypatch, stage):
    with pytest.raises(config.ConfigurationError):
        settings(monkeypatch, CHEESESHOP_STAGE=stage)
    s = settings(monkeypatch, CHEESESHOP_STAGE=stage, CHEESESHOP_SECRET_KEY="s" * 40)
    assert s.cookie_secure and not s.is_local


def test_settings_follow_the_environment_per_call(monkeypatch):
    assert settings(monkeypatch, CHEESESHOP_BUCKET="one").bucket == "one"
    monkeypatch.setenv("CHEESESHOP_BUCKET", "two")
    assert config.get_settings().bucket == "two"


def test_trusted_publishing_issuers_are_https_but_locally_may_be_loopback(monkeypatch):
    s = settings(monkeypatch)
    assert s.oidc_issuers == {"github": "https://token.actions.githubusercontent.com", "gitlab": "https://gitlab.com"}
    assert s.oidc_audience == "cheeseshop"
    local = settings(monkeypatch, CHEESESHOP_OIDC_GITHUB_ISSUER="http://127.0.0.1:9999/")
    assert local.oidc_issuers["github"] == "http://127.0.0.1:9999"
    for issuer in ("http://127.0.0.1:9999", "http://issuer.example", "ftp://x"):
        with pytest.raises(config.ConfigurationError):
            settings(monkeypatch, CHEESESHOP_STAGE="prod", CHEESESHOP_SECRET_KEY="s" * 40,
                     CHEESESHOP_OIDC_GITLAB_ISSUER=issuer)
    with pytest.raises(config.ConfigurationError):
        settings(monkeypatch, CHEESESHOP_OIDC_GITHUB_ISSUER="http://issuer.example")


def test_a_recovery_waits_two_days_unless_told_otherwise(monkeypatch):
    assert settings(monkeypatch).recovery_wait_seconds == 172800
    assert settings(monkeypatch, CHEESESHOP_RECOVERY_WAIT_SECONDS="5").recovery_wait_seconds == 5
    with pytest.raises(config.ConfigurationError, match="CHEESESHOP_RECOVERY_WAIT_SECONDS"):
        settings(monkeypatch, CHEESESHOP_RECOVERY_WAIT_SECONDS="two days")


def test_logins_from_new_devices_are_confirmed_by_mail_unless_switched_off(monkeypatch):
    assert settings(monkeypatch).confirm_new_devices is True
    assert settings(monkeypatch, CHEESESHOP_CONFIRM_NEW_DEVICES="0").confirm_new_devices is False
    with pytest.raises(config.ConfigurationError, match="CHEESESHOP_CONFIRM_NEW_DEVICES"):
        settings(monkeypatch, CHEESESHOP_CONFIRM_NEW_DEVICES="yes")


def test_a_new_devices_link_works_fifteen_minutes_unless_told_otherwise(monkeypatch):
    assert settings(monkeypatch).new_device_link_seconds == 900
    assert settings(monkeypatch, CHEESESHOP_NEW_DEVICE_LINK_SECONDS="5").new_device_link_seconds == 5
    with pytest.raises(config.ConfigurationError, match="CHEESESHOP_NEW_DEVICE_LINK_SECONDS"):
        settings(monkeypatch, CHEESESHOP_NEW_DEVICE_LINK_SECONDS="-1")


def test_the_index_is_public_unless_the_setting_makes_it_private(monkeypatch):
    assert settings(monkeypatch).private_index is False
    assert settings(monkeypatch, CHEESESHOP_PRIVATE_INDEX="1").private_index is True
    with pytest.raises(config.ConfigurationError, match="CHEESESHOP_PRIVATE_INDEX"):
        settings(monkeypatch, CHEESESHOP_PRIVATE_INDEX="true")


def test_files_are_linked_at_a_url_or_a_path_only_when_told(monkeypatch):
    assert settings(monkeypatch).files_url == ""
    assert settings(monkeypatch, CHEESESHOP_FILES_URL="off").files_url == ""
    assert settings(monkeypatch, CHEESESHOP_FILES_URL="http://127.0.0.1:8001/").files_url == "http://127.0.0.1:8001"
    assert settings(monkeypatch, CHEESESHOP_FILES_URL="/files").files_url == "/files"
    for wrong in ("files.example", "ftp://files.example", "//files.example"):
        with pytest.raises(config.ConfigurationError, match="CHEESESHOP_FILES_URL"):
            settings(monkeypatch, CHEESESHOP_FILES_URL=wrong)
