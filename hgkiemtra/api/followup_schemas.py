"""What the follow-up endpoints accept and return (see api/followup.py).

Bodies are strict like every API body: unknown fields are refused, "1" is
not an integer and neither is 1.5; amounts are whole đồng between 1 and
``MAX_VND``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from hgkiemtra.api.representations import OrgRef
from hgkiemtra.api.schemas import INT32_MAX, Id, StrictBody
from hgkiemtra.followup.validation import MAX_TEXT, MAX_VND

Kind = Literal["self_criticism", "remedy", "recovery", "discipline", "other"]
Vnd = Annotated[int, Field(ge=1, le=MAX_VND, description="Whole đồng (VND)")]
Version = Annotated[int | None, Field(ge=0, le=INT32_MAX,
                                      description="The case version last read (409 if stale)")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
DueOn = Annotated[date, Field(strict=False, description="YYYY-MM-DD, today or later")]


def _date_text(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise ValueError("phải là ngày dạng YYYY-MM-DD")
    return value


class ActionCreate(StrictBody):
    """One action the conclusion requires; a user and/or an organisation owns it.
    ``amount_vnd`` is required for ``recovery`` and refused for the other kinds."""

    kind: Kind
    description: Text
    due_on: DueOn
    owner_user_id: Id | None = None
    owner_org_id: Id | None = None
    amount_vnd: Vnd | None = None
    version: Version = None

    _due_on_text = field_validator("due_on", mode="before")(_date_text)


class ActionUpdate(StrictBody):
    """Change an open action: the fields given replace the current ones (``null``
    clears an owner or the amount)."""

    kind: Kind | None = None
    description: Text | None = None
    due_on: Annotated[date | None, Field(strict=False)] = None
    owner_user_id: Id | None = None
    owner_org_id: Id | None = None
    amount_vnd: Vnd | None = None
    version: Version = None

    _due_on_text = field_validator("due_on", mode="before")(_date_text)


class ActionDone(StrictBody):
    """The action was carried out: how (``note``), when (default today) and, for a
    recovery, how much was recovered."""

    note: Text
    done_on: Annotated[date | None, Field(strict=False)] = None
    recovered_vnd: Vnd | None = None
    version: Version = None

    _done_on_text = field_validator("done_on", mode="before")(_date_text)


class ActionWaive(StrictBody):
    """The chair releases the action; the reason is recorded."""

    reason: Text
    version: Version = None


class RecheckOpen(StrictBody):
    """Open a re-check of implementation (a supervision linked ``recheck_of``)."""

    note: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    version: Version = None


class UserRef(BaseModel):
    id: int
    name: str


class ActionOut(BaseModel):
    id: int
    case_id: int
    case_version: int = Field(description="The case version after this change")
    kind: Kind
    kind_label: str
    description: str
    owner_user: UserRef | None
    owner_org: OrgRef | None
    due_on: date
    overdue: bool = Field(description="Open and past its due date (Vietnam time)")
    amount_vnd: int | None
    status: Literal["open", "done", "waived"]
    done_on: date | None
    done_note: str
    recovered_vnd: int | None
    waived_reason: str
    waived_by_user_id: int | None
    created_at: datetime
    created_by_user_id: int | None


class ActionListOut(BaseModel):
    case_id: int
    case_version: int
    can_add: bool = Field(description="Whether actions can be added now (the conclusion exists)")
    add_refusal: str | None = Field(description="Why not, when they cannot")
    open: int
    overdue: int
    items: list[ActionOut]


BODIES: tuple[type[BaseModel], ...] = (ActionCreate, ActionUpdate, ActionDone, ActionWaive,
                                       RecheckOpen)
RESPONSES: tuple[type[BaseModel], ...] = (ActionOut, ActionListOut)
