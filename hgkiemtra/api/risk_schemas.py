"""What the risk ranking endpoint accepts and returns (api/risk.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from hgkiemtra.api.representations import PageOut
from hgkiemtra.api.schemas import Id, PageQuery

Level = Literal["province", "district", "grassroots", "cell"]
SignalKey = Literal["violations", "denunciations", "overdue_actions", "since_inspection"]


class RiskQuery(PageQuery):
    level: Level = "grassroots"
    org_id: Id | None = None
    years: Annotated[int | None, Field(ge=1, le=10)] = None


class RiskSignalOut(BaseModel):
    key: SignalKey
    label: str
    raw: int | None = Field(description="The count; for since_inspection the full years since "
                                        "the last inspection (null: never inspected)")
    points: int
    explanation: str


class RiskOrgOut(BaseModel):
    id: int
    name: str
    level: Level


class RiskItemOut(BaseModel):
    rank: int
    org: RiskOrgOut
    score: int
    signals: list[RiskSignalOut]
    plan_url: str | None = Field(description="The new-case form prefilled with an inspection "
                                             "of this organisation (null: the caller may not "
                                             "open one)")


class RiskPage(PageOut):
    level: Level
    years: int
    window_start: date
    weights: dict[str, int]
    items: list[RiskItemOut]


RESPONSES: tuple[type[BaseModel], ...] = (RiskPage,)
