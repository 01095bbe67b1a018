"""Language and time: Vietnamese by default, English on request; dates
dd/mm/yyyy and times in Asia/Ho_Chi_Minh.

Message ids are Vietnamese (the UI's language); the English catalog is
``translations/en``. Labels that come from ``workflows/`` (states, events,
fields, phases, roles) are Vietnamese data, translated when rendered with the
``tr`` filter through the same catalog.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Flask, has_request_context, redirect, session
from flask_babel import gettext, to_user_timezone
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.core.db import db
from hgkiemtra.web.forms import LanguageForm, safe_next
from workflows import stored_text
from workflows.text import LIST_SEPARATOR, Msg

DEFAULT_LOCALE = "vi"
LOCALES = ("vi", "en")
LOCALE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
TIMEZONE = "Asia/Ho_Chi_Minh"
DATE_FORMAT = "dd/MM/yyyy"
DATETIME_FORMAT = "dd/MM/yyyy HH:mm"

bp = Blueprint("web", __name__)
log = logging.getLogger("hgkiemtra.web")


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = session.get("lang")
    if chosen in LOCALES:
        return str(chosen)
    if current_user.is_authenticated and current_user.locale in LOCALES:
        return str(current_user.locale)
    return DEFAULT_LOCALE


@bp.post("/language")
def switch_language() -> Response:
    """Remember the language in the session and, when signed in, on the account."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(safe_next(form.next.data))


def translate(label: Any) -> str:
    """A label or message from workflow data (Vietnamese), in the current language.

    A ``workflows.text.Msg`` is translated by its template, then filled with
    its parameters, each translated the same way (see ``translate_param``).
    """
    if label is None or label == "":
        return ""
    if isinstance(label, Msg):
        return _translate_msg(label)
    return gettext(str(label))


def _translate_msg(message: Msg) -> str:
    return fill(gettext(message.template), message)


def fill(text: str, message: Msg) -> str:
    """``text`` (``message``'s template, translated) with its parameters translated.

    A translation whose placeholders do not fit gives the Vietnamese text, never a 500.
    """
    values = {name: translate_param(value) for name, value in message.params.items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("translation of %r does not fit its parameters", message.template)
        return str(message)


def translate_param(value: object) -> str:
    """One parameter of a Msg: texts through the catalog, dates dd/mm/yyyy, lists joined."""
    if isinstance(value, str):
        return translate(value)
    if isinstance(value, date):
        return show_date(value)
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(translate_param(item) for item in value)
    return str(value)


def translate_stored(text: str | None, parts: object, separator: str = "\n") -> str:
    """A text stored with its message parts (``workflows.stored_text``), in the current
    language; the stored text itself when the parts are missing or do not match it."""
    messages = stored_text.load(parts, text or "", separator)
    if messages is None:
        return text or ""
    return separator.join(translate(message) for message in messages)


def show_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (a moment: its date in Vietnam). Digits are the same in every
    language, so no Babel pattern per call: a list page shows ~75 dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def show_iso_date(value: str | None) -> str:
    """A date stored as 'YYYY-MM-DD' text (event data), shown dd/mm/yyyy."""
    try:
        return show_date(date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)


def show_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time (DATETIME_FORMAT, written directly)."""
    if value is None:
        return ""
    m = to_user_timezone(value)
    return f"{m.day:02d}/{m.month:02d}/{m.year:04d} {m.hour:02d}:{m.minute:02d}"


def show_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def init_templates(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        tr=translate, tr_stored=translate_stored, date=show_date, isodate=show_iso_date,
        datetime=show_datetime, filesize=show_size,
    )
    app.jinja_env.globals.update(
        locale_names=LOCALE_NAMES, current_locale=select_locale, language_form=LanguageForm
    )
