"""Password hashing with argon2id, and the rules a new password must meet.

The rules: at least ``MIN_PASSWORD_LENGTH`` characters, not one of the
commonly used passwords (``common-passwords.txt.gz``: the 20,000-entry list
Django ships, compiled by Royce Williams, BSD licence; compared lower-case),
not the account's email address, and not one short chunk repeated.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hgkiemtra.core.errors import ValidationFailed
from workflows.text import Msg, msg

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a cap keeps requests cheap
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")
# Vietnamese favourites the English-language list does not have.
EXTRA_COMMON = frozenset({
    "matkhau123456", "matkhau12345678", "anhyeuem123456", "emyeuanh123456",
    "123456789matkhau", "vietnam123456", "hgkiemtra2026", "kiemtra123456",
})


# Messages with %-placeholders, so the UI can translate them (see PROBLEM_MESSAGES).
TOO_SHORT = "Mật khẩu phải có ít nhất %(min)d ký tự"
TOO_LONG = "Mật khẩu dài quá %(max)d ký tự"
TOO_COMMON = "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác"
REPEATED = "Mật khẩu không được chỉ là một chuỗi ngắn lặp lại"
SAME_AS_EMAIL = "Mật khẩu không được trùng với địa chỉ email"
PROBLEM_MESSAGES = (TOO_SHORT, TOO_LONG, TOO_COMMON, REPEATED, SAME_AS_EMAIL)
LIMITS = {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH}


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip()) | EXTRA_COMMON


def password_problems(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """Why ``password`` may not be used (message templates, fill with ``LIMITS``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [TOO_SHORT]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [TOO_LONG]
    lowered = password.lower()
    problems = []
    if lowered in common_passwords():
        problems.append(TOO_COMMON)
    if _is_repeated(lowered):
        problems.append(REPEATED)
    for value in user_inputs:
        value = value.strip().lower()
        if value and (lowered == value or lowered == value.split("@")[0]):
            problems.append(SAME_AS_EMAIL)
            break
    return problems


def _is_repeated(text: str) -> bool:
    """'abcabcabcabc', 'aaaaaaaaaaaa': one chunk of at most 4 characters repeated."""
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size)
        for size in range(1, 5)
    )


def problem_message(problem: str) -> Msg:
    """One of ``password_problems``, limits filled in, as a message the UI translates."""
    if problem == TOO_SHORT:
        return msg("Mật khẩu phải có ít nhất {min} ký tự", min=MIN_PASSWORD_LENGTH)
    if problem == TOO_LONG:
        return msg("Mật khẩu dài quá {max} ký tự", max=MAX_PASSWORD_LENGTH)
    return Msg(problem)  # no placeholder: catalogued as a password rule (PROBLEM_MESSAGES)


def hash_password(password: str, user_inputs: Iterable[str] = ()) -> str:
    problems = [problem_message(p) for p in password_problems(password, user_inputs)]
    if problems:
        raise ValidationFailed(problems[0], {"problems": problems})
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend what a real check costs, so an unknown email is not told apart by timing."""
    verify_password(_dummy_hash(), password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-only-for-timing")
