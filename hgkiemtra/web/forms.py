"""Forms every page may carry (language switch, sign-out) and the redirect guard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField

from hgkiemtra.web.form_messages import TRANSLATIONS, FormTranslations


class Form(FlaskForm):
    """The base of every form: WTForms' own messages in the UI's language."""

    class Meta:
        def get_translations(self, form: Any) -> FormTranslations:
            return TRANSLATIONS


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices; values become strings."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class LanguageForm(Form):
    lang = SelectField(choices=options([("vi", "Tiếng Việt"), ("en", "English")]))
    next = HiddenField()


class PostOnlyForm(Form):
    """A form with nothing but the CSRF token: sign out, revoke, confirm."""


def safe_next(target: str | None, default_endpoint: str = "cases.dashboard") -> str:
    """``target`` when it is a path on this site, else the default page.

    Refuses absolute URLs, scheme-relative '//host' and backslash tricks, so
    a crafted link cannot send someone elsewhere after signing in.
    """
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for(default_endpoint)
