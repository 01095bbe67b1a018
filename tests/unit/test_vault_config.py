"""HGKIEMTRA_VAULT_KEY: checked at start, required in production, never echoed."""

import pytest

from hgkiemtra.config import ConfigError, load_settings

STRONG = "Zq8w3-Kp1vN0xR7tY2uB5mC9dE4fG6hJ_aLs"
KEY = "PmpB5GoKdi0RFznRi9t_hdOALsdhhU1Kn88DT7f1cV4="
OLD = "Rska-jo9w0CgWFSvYzXv6MqnlM1_8biG1XiYTUHZCG0="


def test_production_refuses_to_start_without_a_vault_key():
    with pytest.raises(ConfigError, match="VAULT_KEY"):
        load_settings({"HGKIEMTRA_ENV": "production", "HGKIEMTRA_SECRET_KEY": STRONG})


@pytest.mark.parametrize("raw", ["not-a-key-but-secret-text", KEY[:-4], f"{KEY},short"])
def test_a_malformed_key_is_refused_without_being_echoed(raw):
    with pytest.raises(ConfigError, match="not a Fernet key") as refused:
        load_settings({"HGKIEMTRA_VAULT_KEY": raw})
    assert raw.split(",")[-1] not in str(refused.value)


def test_several_keys_are_accepted_for_rotation():
    settings = load_settings({"HGKIEMTRA_ENV": "production", "HGKIEMTRA_SECRET_KEY": STRONG,
                              "HGKIEMTRA_VAULT_KEY": f"{KEY}, {OLD}"})
    assert settings.is_production
