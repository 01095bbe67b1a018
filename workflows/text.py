"""Messages that know how to be translated later.

``workflows`` is pure and Vietnamese-first: a guard reason or a validation
message is Vietnamese text. The web UI shows it in the reader's language, so
a message is a ``Msg``: a ``str`` whose value is the Vietnamese text (JSON,
the API, logs and tests see exactly that), carrying the Vietnamese template
(the catalog's msgid, with ``{name}`` placeholders) and the values filled in.
The UI's ``tr`` filter translates the template and each value, then formats.

    reason = msg("Cần vai trò: {roles}", roles=["Chủ nhiệm UBKT", "Ủy viên UBKT"])
    reason == "Cần vai trò: Chủ nhiệm UBKT; Ủy viên UBKT"
    reason.template, reason.params

Values may be ``str`` (translated when rendered if the catalog knows them),
``Msg`` (translated recursively), ``int``, ``date`` (ISO in the value; the UI
shows dd/mm/yyyy) or a list/tuple of those (joined with "; "). Joining a Msg
with ``+`` yields a plain ``str`` (the template is lost): write a template
with two placeholders instead. ``pybabel extract -k msg`` finds the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

__all__ = ["LIST_SEPARATOR", "Msg", "msg", "plain"]

LIST_SEPARATOR = "; "


def plain(value: object) -> str:
    """A parameter value as it appears in the Vietnamese text."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(plain(item) for item in value)
    return str(value)


class Msg(str):
    """Vietnamese text that remembers its template and parameters (see the module doc)."""

    # str subclasses cannot declare non-empty __slots__: the two attributes
    # live in the instance dict.
    template: str
    params: dict[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> Msg:
        values = dict(params or {})
        text = template.format(**{name: plain(v) for name, v in values.items()})
        self = super().__new__(cls, text)
        self.template = str.__str__(template)
        self.params = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle and copy rebuild from the template and params, not the text.
        return (Msg, (self.template, self.params))

    def __getnewargs_ex__(self) -> tuple[tuple[str, dict[str, object]], dict[str, Any]]:
        return (self.template, self.params), {}


def msg(template: str, /, **params: object) -> Msg:
    """A translatable message: ``template`` is the Vietnamese msgid with ``{name}`` fields."""
    return Msg(template, params)
