"""Committee votes as the pages show them: which event takes the ballot, which
cases await one, and a recorded (or previewed) outcome explained step by step.

The outcome itself is computed in ``workflows.ballots`` and recorded with the
vote event's data; this module only reads that data (plain values for the
templates; labels stay Vietnamese and are translated when rendered).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from workflows import registry, vote_reasons
from workflows.ballots import VOTE_BASE_FIELDS, VOTE_FIELDS, is_ballot_event
from workflows.discipline import BODY_KIND_LABELS_VI, FORM_LABELS_VI, LEVEL_LABELS_VI
from workflows.engine import EventDef, Role, WorkflowDefinition

VOTER_ROLES = frozenset({Role.MEMBER, Role.CHAIR})
FORM_OF_FIELD = dict(VOTE_FIELDS)
FIELD_OF_FORM = {form: name for name, form in VOTE_FIELDS}


def ballot_event(definition: WorkflowDefinition, state: str) -> EventDef | None:
    """The event leaving ``state`` that records a secret ballot, if there is one."""
    return next((e for e in definition.events_from(state) if is_ballot_event(e)), None)


def ballot_states() -> list[tuple[str, int, str]]:
    """(workflow, version, state) for every state a ballot event leaves."""
    return sorted({(d.name, d.version, source) for d in registry.all_definitions()
                   for e in d.events if is_ballot_event(e) for source in e.sources})


def cases_awaiting_vote(actor: Actor, limit: int = 10) -> list[Case]:
    """Cases where the actor sits on the committee and the next step is the vote."""
    voter = Actor(actor.user_id, actor.label,
                  tuple((role, path) for role, path in actor.scopes if role in VOTER_ROLES))
    keys = ballot_states()
    if not keys or not voter.scopes:
        return []
    stmt = (sa.select(Case)
            .where(voter.visible_org_filter(Case.org_id),
                   sa.tuple_(Case.workflow_name, Case.workflow_version, Case.state).in_(keys))
            .order_by(Case.updated_at, Case.id).limit(limit))
    return list(db.session.execute(stmt).scalars())


@dataclass(frozen=True)
class FormLine:
    """One form on the ballot, heaviest first, with its count and the running total."""

    form: str
    label: str
    votes: int
    running_total: int
    minimum: int
    share: str  # "1/2", "2/3"
    inclusive: bool  # "at least" (2/3) rather than "more than" (1/2)
    is_adopted: bool

    @property
    def reached_alone(self) -> bool:
        return self.votes >= self.minimum

    @property
    def reached_running(self) -> bool:
        return self.running_total >= self.minimum


@dataclass(frozen=True)
class VoteSummary:
    """A vote's outcome, from the data the vote event recorded (or would record)."""

    members: int
    base_parts: tuple[int, int, int] | None  # official, transferred, excused and absent
    lines: list[FormLine]
    none_votes: int
    majority: int  # the fewest votes that are more than half
    adopted: str | None
    adopted_alone: bool
    expulsion_forwarded: bool
    within_authority: bool | None
    authority_reason: str
    limitation_expired: bool | None
    outcome: str
    body_level: str
    body_kind: str

    @property
    def cast(self) -> int:
        return self.none_votes + sum(line.votes for line in self.lines)

    @property
    def adopted_line(self) -> FormLine | None:
        return next((line for line in self.lines if line.is_adopted), None)

    @property
    def best_running_total(self) -> int:
        return max((line.running_total for line in self.lines), default=0)

    @property
    def expulsion(self) -> FormLine | None:
        return next((line for line in self.lines if line.form == "expulsion"), None)

    @property
    def adopted_label(self) -> str:
        return FORM_LABELS_VI.get(self.adopted or "", "")

    @property
    def body_label(self) -> tuple[str, str]:
        """(kind, level) labels, e.g. ("Cấp ủy", "cấp huyện")."""
        return (BODY_KIND_LABELS_VI.get(self.body_kind, self.body_kind),
                LEVEL_LABELS_VI.get(self.body_level, self.body_level))


def summarise(data: Mapping[str, Any]) -> VoteSummary | None:
    """The outcome recorded in a vote event's data; None for any other data."""
    if "vote_outcome" not in data:
        return None
    members = _int(data.get("members_total"))
    totals = {str(form): _int(total) for form, total in data.get("vote_running_totals") or ()}
    adopted = data.get("adopted_form")
    lines = [
        FormLine(form=str(rule["form"]), label=FORM_LABELS_VI.get(str(rule["form"]), ""),
                 votes=_int(data.get(FIELD_OF_FORM.get(str(rule["form"]), ""))),
                 running_total=totals.get(str(rule["form"]), 0), minimum=_int(rule["minimum"]),
                 share=str(rule["share"]), inclusive=bool(rule["inclusive"]),
                 is_adopted=rule["form"] == adopted)
        for rule in data.get("vote_thresholds") or ()
    ]
    parts = tuple(_int(data.get(name)) for name in VOTE_BASE_FIELDS)
    return VoteSummary(
        members=members,
        base_parts=(parts[0], parts[1], parts[2]) if data.get(VOTE_BASE_FIELDS[0]) else None,
        lines=lines,
        none_votes=_int(data.get(FIELD_OF_FORM["none"])),
        majority=members // 2 + 1,
        adopted=str(adopted) if adopted else None,
        adopted_alone=bool(data.get("adopted_alone")),
        expulsion_forwarded=bool(data.get("expulsion_forwarded")),
        within_authority=data.get("within_authority"),
        # A Msg when just counted (the preview); recorded text is taken apart again, so the
        # page translates it too (vote_reasons).
        authority_reason=vote_reasons.parse(data.get("authority_reason") or ""),
        limitation_expired=data.get("limitation_expired"),
        outcome=str(data["vote_outcome"]),
        body_level=str(data.get("body_level") or ""),
        body_kind=str(data.get("body_kind") or ""),
    )


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
