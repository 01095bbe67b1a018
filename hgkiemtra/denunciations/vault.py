"""Encrypting denouncers' identities at rest (Fernet, from the ``cryptography`` package).

The keys come from ``HGKIEMTRA_VAULT_KEY``: comma-separated Fernet keys, the
first encrypts and every one decrypts (``MultiFernet``), so a key is rotated
by putting a new one first, running ``hgkiemtra vault rotate`` and then
dropping the old one. Without a key: production refuses to start (config.py),
development makes a random key file in the instance folder (``vault.key``,
never shared, logged as a warning), testing refuses to store identities.
Nothing here logs, and no object here shows an identity or a key in its repr.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from hgkiemtra.config import Settings, vault_keys
from hgkiemtra.core.errors import DomainError

log = logging.getLogger("hgkiemtra.vault")
DEV_KEY_FILE = "vault.key"


class VaultUnavailable(DomainError):
    """No key is configured: identities can be neither stored nor read."""

    code = "vault_unavailable"
    http_status = 503


class VaultKeyMismatch(DomainError):
    """A stored identity does not decrypt with any configured key."""

    code = "vault_key_mismatch"
    http_status = 503


@dataclass(frozen=True)
class Identity:
    """The denouncer's particulars, as typed at intake (all but the name optional)."""

    full_name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""  # số CMND/CCCD
    notes: str = ""

    def __repr__(self) -> str:  # a log line or a traceback must not carry it
        return "Identity(<hidden>)"

    __str__ = __repr__


@dataclass(frozen=True)
class Vault:
    keys: tuple[bytes, ...] = field(repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        keys = vault_keys(settings.VAULT_KEY)
        if not keys and settings.ENV == "development":
            keys = [_development_key(Path(settings.INSTANCE_DIR))]
        return cls(tuple(key.encode("ascii") for key in keys))

    @property
    def is_configured(self) -> bool:
        return bool(self.keys)

    def encrypt(self, identity: Identity) -> str:
        plain = json.dumps(asdict(identity), ensure_ascii=False, sort_keys=True)
        return self._fernet().encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> Identity:
        try:
            plain = self._fernet().decrypt(token.encode("ascii"))
        except InvalidToken:
            raise VaultKeyMismatch(
                "Không giải mã được danh tính người tố cáo: không khóa nào trong "
                "HGKIEMTRA_VAULT_KEY khớp với khóa đã mã hóa (khóa cũ bị bỏ trước khi "
                "chạy 'hgkiemtra vault rotate'?)"
            ) from None
        values = json.loads(plain)
        known = {f.name for f in fields(Identity)}
        return Identity(**{k: str(v) for k, v in values.items() if k in known})

    def rotate(self, token: str) -> str:
        """The same identity under the first key (raises VaultKeyMismatch)."""
        try:
            return self._fernet().rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise VaultKeyMismatch("Không giải mã được: khóa không khớp") from None

    def _fernet(self) -> MultiFernet:
        if not self.keys:
            raise VaultUnavailable(
                "Chưa cấu hình khóa mã hóa HGKIEMTRA_VAULT_KEY: không thể lưu hay đọc danh "
                "tính người tố cáo. Quản trị viên hãy tạo khóa (xem README, mục "
                "'Denouncer protection')."
            )
        return MultiFernet([Fernet(key) for key in self.keys])


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _development_key(instance: Path) -> str:
    """Development only: a random key kept in the instance folder (mode 0600)."""
    path = instance / DEV_KEY_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another thread or process made it just now
            return path.read_text().strip()
        with os.fdopen(fd, "w") as out:
            out.write(generate_key() + "\n")
        log.warning("vault: no HGKIEMTRA_VAULT_KEY; made a development key in %s "
                    "(set HGKIEMTRA_VAULT_KEY for any real use)", path)
    return path.read_text().strip()
