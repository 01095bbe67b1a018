"""The authority reason of a recorded vote, taken apart again so it can be translated.

A recorded vote keeps its authority reason as Vietnamese text in the event's
data, which the audit hash chain covers: it is never rewritten, and old votes
have nothing else. The reason is always one of the few sentences
``workflows.discipline.can_decide`` writes, so this module finds which one and
with what values: it tries every way of splitting the text along a sentence's
fixed words and keeps the split whose values the discipline vocabulary knows
best (body, form, rule and subject labels). A ``Msg`` spells its text, so the
result always reads exactly as stored in Vietnamese; at worst a value the
vocabulary does not know stays Vietnamese in English.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from string import Formatter

from workflows import discipline
from workflows.text import Msg, msg

PROPOSE = "đề nghị {target} xem xét, quyết định"
# can_decide's sentences, in its order (the first of two equally good readings wins).
REASONS = (
    "Không áp dụng hình thức cách chức: đảng viên không giữ chức vụ",
    "{body} có thẩm quyền: {rule} ({citation})",
    "{body} chỉ được khai trừ khi được ủy quyền kết nạp đảng viên ({citation}) — {propose}",
    "{rule} ({citation}) — {propose}",
    "Chưa xác nhận thẩm quyền của {body} áp dụng hình thức '{form}': {citation} — {propose}",
    "Hình thức '{form}' đối với {category} vượt thẩm quyền của {body} — {propose}",
)
NESTED = {
    "propose": (PROPOSE,),
    "target": ("{body} (nếu được ủy quyền kết nạp đảng viên) hoặc {target}",),
}
MAX_LENGTH = 2000  # longer is not a reason can_decide wrote

Reading = tuple[int, str]  # (how many values the vocabulary knows, the value: Msg or text)


def parse(text: str) -> str:
    """``text`` as the Msg can_decide wrote when one fits, else ``text`` itself."""
    if isinstance(text, Msg) or not text or len(text) > MAX_LENGTH:
        return text
    found = _best(str.__str__(text), REASONS)
    return found[1] if found is not None else text


def _best(text: str, templates: Sequence[str]) -> Reading | None:
    best: Reading | None = None
    for template in templates:
        pieces = _pieces(template)
        for split in _splits(pieces, text, 0):
            readings = {name: _value(name, value) for name, value in split.items()}
            score = sum(points for points, _ in readings.values())
            if best is None or score > best[0]:
                best = (score, msg(template, **{k: v for k, (_, v) in readings.items()}))
    return best


def _value(name: str, value: str) -> Reading:
    if name in ("body", "target") and value in _bodies():
        return 1, _bodies()[value]
    if value in _vocabulary().get(name, ()):
        return 1, value
    if name in NESTED:
        found = _best(value, NESTED[name])
        if found is not None:
            return found
    return 0, value


@lru_cache(maxsize=64)
def _pieces(template: str) -> tuple[tuple[str, str], ...]:
    """("lit", text) and ("var", name) in order; every two fields have words between them."""
    pieces: list[tuple[str, str]] = []
    for literal, field, _, _ in Formatter().parse(template):
        if literal:
            pieces.append(("lit", literal))
        if field is not None:
            pieces.append(("var", field))
    return tuple(pieces)


def _splits(pieces: Sequence[tuple[str, str]], text: str, start: int,
            ) -> Iterator[dict[str, str]]:
    if not pieces:
        if start == len(text):
            yield {}
        return
    kind, value = pieces[0]
    if kind == "lit":
        if text.startswith(value, start):
            yield from _splits(pieces[1:], text, start + len(value))
        return
    if len(pieces) == 1:
        if start < len(text):
            yield {value: text[start:]}
        return
    literal = pieces[1][1]
    at = text.find(literal, start + 1)
    while at != -1:
        for rest in _splits(pieces[2:], text, at + len(literal)):
            yield {value: text[start:at], **rest}
        at = text.find(literal, at + 1)


@lru_cache(maxsize=1)
def _bodies() -> dict[str, str]:
    """Every body label by its text (a Msg for "Cấp ủy cấp huyện" and the like)."""
    found: dict[str, str] = {"cấp có thẩm quyền": msg("cấp có thẩm quyền")}
    for level in discipline.LEVEL_LABELS_VI:
        for kind in discipline.BODY_KIND_LABELS_VI:
            try:
                label = discipline.body_label(level, kind)
            except ValueError:
                continue
            found[str(label)] = label
    return found


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, frozenset[str]]:
    return {
        "form": frozenset(discipline.FORM_LABELS_VI.values()),
        "rule": frozenset(r.label_vi for r in discipline.AUTHORITY_RULES),
        "category": frozenset(discipline.SUBJECT_CATEGORY_LABELS_VI.values()),
    }
