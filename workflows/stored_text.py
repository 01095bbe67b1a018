"""Messages kept in the database so they can still be translated when read.

A text stored at write time (a deadline's explanation, a job's error) keeps
its Vietnamese value in a text column: the API, exports and old rows read
that. Next to it, a JSON column keeps the structure of the same text: a list
of parts ``{"t": template, "p": {name: value}}``, one ``Msg`` each, joined
with a separator (a new line for explanations). ``load`` gives the messages
back only when they reproduce the stored text exactly, so the page can never
show, in any language, something the Vietnamese record does not say.

Parameter values are kept as JSON: ``str`` and ``int`` as themselves, a
nested ``Msg`` as a part, a ``date`` as ``{"d": "YYYY-MM-DD"}``, a list as a list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from workflows.text import Msg

__all__ = ["dump", "dump_all", "load", "load_one"]

Part = dict[str, Any]


def dump(message: Msg | str) -> Part:
    """One message as a JSON-ready part (a plain ``str`` becomes a fixed text)."""
    if not isinstance(message, Msg):
        return {"t": "{text}", "p": {"text": _plain_str(message)}}
    return {"t": message.template, "p": {k: _dump_value(v) for k, v in message.params.items()}}


def dump_all(messages: Sequence[Msg | str]) -> list[Part]:
    return [dump(m) for m in messages]


def load(parts: object, text: str, separator: str = "\n") -> list[Msg] | None:
    """The messages of ``parts`` if they spell ``text`` exactly, else None (old or edited rows)."""
    if not isinstance(parts, list) or not parts:
        return None
    try:
        messages = [_load_part(part) for part in parts]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return messages if separator.join(messages) == text else None


def _plain_str(value: str) -> str:
    return str.__str__(value)


def _dump_value(value: object) -> Any:
    if isinstance(value, Msg):
        return dump(value)
    if isinstance(value, str):
        return _plain_str(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_dump_value(item) for item in value]
    return str(value)


def _load_part(part: Any) -> Msg:
    template, params = part["t"], part.get("p", {})
    if not isinstance(template, str) or not isinstance(params, dict):
        raise TypeError("a stored part is {'t': str, 'p': dict}")
    return Msg(template, {str(k): _load_value(v) for k, v in params.items()})


def _load_value(value: Any) -> object:
    if isinstance(value, dict):
        return date.fromisoformat(value["d"]) if "d" in value else _load_part(value)
    if isinstance(value, list):
        return [_load_value(item) for item in value]
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    raise TypeError(f"unexpected stored value {value!r}")


def load_one(parts: object, text: str) -> str:
    """The one message of ``parts`` when it spells ``text``, else ``text`` itself."""
    found = load(parts, text)
    return found[0] if found is not None and len(found) == 1 else text
