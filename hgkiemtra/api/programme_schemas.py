"""What the programme and target endpoints accept and return (api/programmes.py).

Bodies are strict like every API body; query strings coerce text but refuse
unknown parameters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hgkiemtra.api.representations import SubjectOut
from hgkiemtra.api.schemas import Id, StrictBody, SubjectIn
from hgkiemtra.programmes.models import PLANNED_KINDS

Year = Annotated[int, Field(ge=2000, le=2100)]
Share = Annotated[int, Field(ge=0, le=100, description="Percent of the subtree's members")]
ProgrammeKindIn = Literal["inspection", "supervision", "combined"]
ItemStatus = Literal["not_opened", "open", "done", "cancelled"]
PLANNED = sorted({k for kinds in PLANNED_KINDS.values() for k in kinds})


# --- bodies and queries --------------------------------------------------------------------

class ProgrammeCreate(StrictBody):
    """A draft programme of an organisation's committee for a year (one per kind)."""

    org_id: Id
    year: Year
    kind: ProgrammeKindIn
    title: Annotated[str, Field(min_length=1, max_length=300)]


class ProgrammeItemCreate(StrictBody):
    """One planned case: subject, content (the case's title), quarter, responsible
    committee member (a chair or member of the programme's organisation)."""

    case_kind: Annotated[str, Field(min_length=1, max_length=40,
                                    json_schema_extra={"enum": PLANNED})]
    subject: SubjectIn
    content: Annotated[str, Field(min_length=1, max_length=500)]
    quarter: Annotated[int, Field(ge=1, le=4)]
    responsible_user_id: Id


class TargetSet(StrictBody):
    """Create or replace an organisation's target for a year."""

    org_id: Id
    year: Year
    supervised_share: Share
    inspected_share: Share


class Confirm(StrictBody):
    """An action with nothing to add (approve, open now): send ``{}``."""


class ProgrammeListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: Year | None = None
    org_id: Id | None = Field(default=None, description="That organisation's subtree")


class TargetProgressQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: Id
    year: Year


# --- responses -----------------------------------------------------------------------------

class UserRef(BaseModel):
    user_id: int
    name: str


class QuarterOut(BaseModel):
    quarter: int
    planned: int
    not_opened: int
    open: int
    done: int = Field(description="The case closed (not cancelled)")
    cancelled: int


class ProgrammeItemOut(BaseModel):
    id: int
    programme_id: int
    case_kind: str
    subject: SubjectOut
    content: str
    quarter: int
    responsible: UserRef
    status: ItemStatus
    case_id: int | None
    case_reference: str | None
    opened_at: datetime | None
    open_error: str | None = Field(description="Why the scheduled opening failed, if it did")


class ProgrammeSummaryOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    year: int
    kind: ProgrammeKindIn
    title: str
    status: Literal["draft", "approved"]
    approved_at: datetime | None
    planned: int
    opened: int
    done: int


class ProgrammeOut(ProgrammeSummaryOut):
    approved_by: UserRef | None
    quarters: list[QuarterOut]
    items: list[ProgrammeItemOut]


class ProgrammeList(BaseModel):
    items: list[ProgrammeSummaryOut]


class TargetOut(BaseModel):
    org_id: int
    org_name: str
    year: int
    supervised_share: int | None = Field(description="Target, percent; null: none set")
    inspected_share: int | None
    members: int = Field(description="Members of the organisation and its subtree")
    supervised_members: int = Field(description="Distinct members supervised in the year")
    inspected_members: int
    supervised_pct: float
    inspected_pct: float
    supervised_needed: int | None = Field(description="Members the target asks for")
    inspected_needed: int | None
    organisations: int = Field(description="Organisations below it active in the year")
    supervised_orgs: int
    inspected_orgs: int


class TargetList(BaseModel):
    items: list[TargetOut]


BODIES = (ProgrammeCreate, ProgrammeItemCreate, TargetSet, Confirm)
RESPONSES = (ProgrammeItemOut, ProgrammeOut, ProgrammeList, TargetOut, TargetList)
