import pytest

from hgkiemtra.config import DEFAULT_SECRET_KEY, ConfigError, load_settings


def test_defaults_are_embedded(tmp_path):
    s = load_settings({"HGKIEMTRA_INSTANCE_DIR": str(tmp_path)})
    assert s.DATABASE_URL == f"sqlite:///{tmp_path / 'hgkiemtra.sqlite'}"
    assert s.REDIS_URL == "" and s.STORAGE_DIR == str(tmp_path / "storage")


def test_environment_is_read_and_typed():
    s = load_settings({"HGKIEMTRA_DATABASE_URL": "postgresql://u@h/db",
                       "HGKIEMTRA_SMTP_PORT": "2525", "HGKIEMTRA_SMTP_STARTTLS": "yes"})
    assert s.DATABASE_URL == "postgresql+psycopg://u@h/db"
    assert s.SMTP_PORT == 2525 and s.SMTP_STARTTLS is True


@pytest.mark.parametrize("env", [
    {"HGKIEMTRA_DATBASE_URL": "typo"},
    {"HGKIEMTRA_SMTP_PORT": "twenty"},
    {"HGKIEMTRA_SMTP_STARTTLS": "maybe"},
    {"HGKIEMTRA_ENV": "staging"},
])
def test_bad_settings_are_rejected(env):
    with pytest.raises(ConfigError):
        load_settings(env)


@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY, "short", "a" * 64])
def test_production_refuses_weak_secret(key):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({"HGKIEMTRA_ENV": "production", "HGKIEMTRA_SECRET_KEY": key})


def test_production_accepts_a_strong_secret():
    key = "Zq8w3-Kp1vN0xR7tY2uB5mC9dE4fG6hJ_aLs"
    vault = "PmpB5GoKdi0RFznRi9t_hdOALsdhhU1Kn88DT7f1cV4="
    assert load_settings({"HGKIEMTRA_ENV": "production", "HGKIEMTRA_SECRET_KEY": key,
                          "HGKIEMTRA_VAULT_KEY": vault}).is_production


def test_settings_are_frozen():
    s = load_settings({})
    with pytest.raises(AttributeError):
        s.SECRET_KEY = "x"  # type: ignore[misc]
