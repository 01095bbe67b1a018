"""Workflow diagrams for the pages: the pure SVG drawing, in the user's language,
with what a case has been through marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.web.i18n import translate
from workflows import registry
from workflows.calendar import Unit
from workflows.diagram_svg import Highlight, render_svg
from workflows.engine import PHASE_LABELS_VI, ROLE_LABELS_VI, Role, WorkflowDefinition

UNIT_LABELS = {
    Unit.CALENDAR_DAYS: _l("ngày"),
    Unit.WORKING_DAYS: _l("ngày làm việc"),
    Unit.MONTHS: _l("tháng"),
}


def diagram(definition: WorkflowDefinition, case: Case | None = None,
            events: Sequence[CaseEvent] = ()) -> Markup:
    """The SVG of ``definition``; for a case, its state, path and next steps marked."""
    highlight = None
    description = _("Sơ đồ các bước của quy trình, theo giai đoạn từ trái sang phải.")
    if case is not None:
        highlight = Highlight(
            current=case.state,
            visited=frozenset(e.to_state for e in events),
            taken=frozenset((e.event, e.from_state) for e in events if e.from_state),
        )
        state = definition.state_map.get(case.state)
        description += " " + _("Bước hiện tại: %(state)s.",
                               state=translate(state.label if state else case.state))
    svg = render_svg(definition, translate=translate, highlight=highlight,
                     title=translate(definition.title), description=description,
                     shortcut_note=_("từ %(n)s bước khác", n="{n}"))
    return Markup(svg)  # noqa: S704 - every text in it is escaped by render_svg


@dataclass(frozen=True)
class DefinitionRow:
    definition: WorkflowDefinition
    is_current: bool  # the version new cases of its kind start under


def definition_rows() -> list[DefinitionRow]:
    latest = {kind: registry.for_kind(kind).key for kind in registry.kinds()}
    return [DefinitionRow(d, latest.get(d.kind) == d.key)
            for d in sorted(registry.all_definitions(), key=lambda d: (d.title, -d.version))]


def role_names(roles: frozenset[Role]) -> list[str]:
    return sorted(translate(ROLE_LABELS_VI[r]) for r in roles)


def unit_label(unit: Unit) -> str:
    return str(UNIT_LABELS[unit])


def phase_label(definition: WorkflowDefinition, state: str) -> str:
    return translate(PHASE_LABELS_VI[definition.phase_of(state)])
