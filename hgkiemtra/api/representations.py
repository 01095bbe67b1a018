"""What the API returns: one pydantic model per shape.

Responses are built through these models, so what is sent always matches the
schema published in openapi.json (a drifting field fails loudly in the tests
rather than quietly in a client).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    """Every error under /api/v1."""

    error: str = Field(description="Machine-readable code, e.g. guard_failed")
    message: str = Field(description="Human-readable explanation (Vietnamese)")
    details: Any = Field(default=None, description="Extra facts, e.g. {'reasons': [...]}")


class OrgRef(BaseModel):
    id: int
    name: str


class SubjectOut(BaseModel):
    type: Literal["member", "organisation"]
    id: int
    name: str


class TeamSeatOut(BaseModel):
    user_id: int
    name: str
    role: Literal["leader", "member", "directing"]


class WorkflowRef(BaseModel):
    name: str
    version: int


class FieldOut(BaseModel):
    name: str
    type: str
    label: str
    required: bool
    choices: list[tuple[str, str]]


class AllowedEventOut(BaseModel):
    event: str
    label: str
    destination: str
    allowed: bool
    reasons: list[str] = Field(description="Why the event cannot fire now (empty when allowed)")
    fields: list[FieldOut]
    requires_note: bool


class DeadlineExtensionOut(BaseModel):
    old_due_on: date
    new_due_on: date
    decision_reference: str
    approver_id: int
    reason: str
    created_at: datetime


class DeadlinePauseOut(BaseModel):
    paused_on: date
    resumed_on: date | None
    days: int | None = Field(description="Days the clock stood still (the rule's unit)")
    reason: str


class DeadlineOut(BaseModel):
    id: int
    rule: str
    label: str
    state: str
    anchor_on: date
    due_on: date
    amount: int | None
    unit: str | None
    rule_set: str | None = Field(description="Rule set in force on anchor_on (qd30, qd22, qd296)")
    status: Literal["open", "met", "cancelled"]
    overdue: bool
    paused_since: date | None = Field(description="The clock is stopped since this day")
    paused_days: int = Field(description="Days the clock stood still so far (rule's unit)")
    closed_at: datetime | None
    explanation: str
    citation: str
    extensions: list[DeadlineExtensionOut]
    pauses: list[DeadlinePauseOut]


class CaseSummaryOut(BaseModel):
    id: int
    reference: str
    kind: str
    title: str
    summary: str
    workflow: WorkflowRef
    state: str
    state_label: str
    phase: str
    version: int = Field(description="Send it back with the next event (optimistic locking)")
    subject: SubjectOut
    org: OrgRef
    team: list[TeamSeatOut]
    data: dict[str, Any]
    opened_on: date
    closed_on: date | None
    created_at: datetime
    updated_at: datetime
    overdue: bool = Field(description="An open deadline of the case has passed")


class CaseLinkOut(BaseModel):
    kind: str = Field(description="spawned_inspection, discipline_of, complaint_about, "
                      "escalated_to — named from the side that opened the other case")
    case_id: int
    reference: str
    direction: Literal["outgoing", "incoming"] = Field(
        description="outgoing: this case opened the other; incoming: the other opened this one")


class DenouncerRef(BaseModel):
    pseudonym: str = Field(description="Shown instead of the denouncer's name, e.g. "
                           "'Người tố cáo #A7K3'; the identity itself is never in a case")


class CaseOut(CaseSummaryOut):
    allowed_events: list[AllowedEventOut]
    deadlines: list[DeadlineOut]
    links: list[CaseLinkOut]
    denouncer: DenouncerRef | None = Field(
        default=None, description="Denunciations with a recorded denouncer: the pseudonym only")


class LinksOpenedOut(BaseModel):
    case: CaseOut = Field(description="The case the links were opened from, with every link")
    opened: list[CaseLinkOut]


class DeclarationOut(BaseModel):
    declared_at: datetime
    has_conflict: bool
    statement: str


class TeamMemberOut(BaseModel):
    user_id: int
    name: str
    role: Literal["leader", "member", "directing"]
    declaration: DeclarationOut | None = Field(
        description="The member's conflict-of-interest declaration; null: not declared yet")


class TeamOut(BaseModel):
    case_id: int
    version: int = Field(description="The case version (send it back with a change)")
    members: list[TeamMemberOut]
    declared_conflict: list[int] = Field(
        description="Users on the team who declared a conflict of interest (for the chair)")


class PageOut(BaseModel):
    page: int
    per_page: int
    total: int
    pages: int


class CasePage(PageOut):
    """``total`` is exact when ``total_exact``; above 1,000 matches counting stops
    and ``total`` is 1,001. Follow ``next_cursor`` (keyset) rather than ``page``:
    it costs the same on every page and does not skip or repeat rows when cases move."""

    items: list[CaseSummaryOut]
    total_exact: bool = True
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to read the next page; null on the last page.")
    prev_cursor: str | None = Field(
        None, description="Pass as `cursor` to read the previous page; null on the first.")


class HistoryActor(BaseModel):
    id: int | None
    label: str


class HistoryItem(BaseModel):
    seq: int
    event: str
    from_state: str | None
    to_state: str
    actor: HistoryActor
    occurred_at: datetime
    note: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


class HistoryOut(BaseModel):
    items: list[HistoryItem]
    chain_valid: bool = Field(description="The SHA-256 hash chain of the audit trail verifies")
    chain_break: str | None = Field(description="Where and why the chain breaks, if it does")


class RuleSetTerms(BaseModel):
    amount: int
    unit: str


class WorkflowDeadlineRule(BaseModel):
    name: str
    label: str
    amount: int
    unit: str
    citation: str
    confirmed: bool
    can_pause: bool
    by_rule_set: dict[str, RuleSetTerms]


class WorkflowState(BaseModel):
    name: str
    phase: str
    label: str
    final: bool
    deadlines: list[WorkflowDeadlineRule]


class WorkflowEvent(BaseModel):
    name: str
    label: str
    sources: list[str]
    destination: str
    roles: list[str]
    requires_note: bool
    spawns: str | None = Field(description="Kind of the linked case this event opens")
    fields: list[FieldOut]


class WorkflowOut(BaseModel):
    name: str
    version: int
    kind: str
    title: str
    initial: str
    citation: str
    in_force_from: date | None = Field(
        description="First anchor date new cases get this version (null: no start date)")
    rule_set: str = Field(description="Rule set the version follows (qd22, qd296; '' by date)")
    states: list[WorkflowState]
    events: list[WorkflowEvent]


class WorkflowList(BaseModel):
    items: list[WorkflowOut]


class OrganisationOut(BaseModel):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    path: str
    valid_from: date | None
    valid_to: date | None
    successor_id: int | None
    is_active: bool


class OrganisationPage(PageOut):
    items: list[OrganisationOut]


class MemberOut(BaseModel):
    id: int
    full_name: str
    status: str
    org: OrgRef
    birth_year: int | None
    joined_on: date | None
    positions: list[str]


class MemberPage(PageOut):
    items: list[MemberOut]


class RoleOut(BaseModel):
    role: str
    label: str
    org: OrgRef


class MeOut(BaseModel):
    id: int
    email: str
    full_name: str
    locale: str
    member_id: int | None
    roles: list[RoleOut]


RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    ErrorOut,
    CaseOut,
    LinksOpenedOut,
    TeamOut,
    CasePage,
    HistoryOut,
    WorkflowList,
    OrganisationPage,
    MemberPage,
    MeOut,
)
