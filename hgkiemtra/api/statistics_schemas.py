"""What the statistics and issued-report endpoints accept and return (api/statistics.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hgkiemtra.api.schemas import Id

PeriodCode = Annotated[str | None, Field(
    max_length=40, description="2026-Q2, 2026, or custom (with start and end); "
                              "default: the current quarter")]
Unit = Literal["count", "vnd", "percent", "days"]


class StatisticsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: PeriodCode = None
    start: date | None = Field(None, description="First day of a custom period")
    end: date | None = Field(None, description="Last day of a custom period")
    org: Id | None = Field(None, description="An organisation in scope: it and its subtree")
    kind: Annotated[str | None, Field(
        max_length=400, description="Case kinds, comma-separated (default: all)")] = None


class PeriodOut(BaseModel):
    kind: Literal["quarter", "year", "custom"]
    code: str
    start: date
    end: date = Field(description="The last day, inclusive")


class FigureOut(BaseModel):
    key: str = Field(description="section.row.column: stable, the key an issued report keeps")
    value: int | float | None
    previous: int | float | None = Field(description="The same figure in the previous period")
    unit: Unit
    change: int | float | None
    change_percent: float | None


class ColumnOut(BaseModel):
    key: str
    label: str


class RowOut(BaseModel):
    key: str
    label: str
    is_total: bool
    figures: list[FigureOut]


class SectionOut(BaseModel):
    key: str
    title: str
    definition: str = Field(description="How every figure of the section is counted")
    chart_column: str | None
    columns: list[ColumnOut]
    rows: list[RowOut]


class ScopeOut(BaseModel):
    org_id: int | None
    org_name: str
    kinds: list[str]


class StatisticsOut(BaseModel):
    period: PeriodOut
    previous_period: PeriodOut
    scope: ScopeOut
    generated_at: datetime
    as_of: date
    sections: list[SectionOut]


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Annotated[str, Field(min_length=1, max_length=40)]
    start: date | None = None
    end: date | None = None
    org: Id | None = None
    kinds: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = []
    reference: Annotated[str, Field(min_length=1, max_length=100)]
    note: Annotated[str, Field(max_length=4000)] = ""


class IssuedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org: Id | None = None


class IssuedSummaryOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    period: PeriodOut
    kinds: list[str]
    reference: str
    note: str
    issued_at: datetime
    issued_by: str | None


class ChangeOut(BaseModel):
    key: str
    label: str
    frozen: int | float | None
    now: int | float | None


class IssuedListOut(BaseModel):
    items: list[IssuedSummaryOut]


class IssuedOut(IssuedSummaryOut):
    figures: dict[str, int | float | None] = Field(description="Frozen when issued; never change")
    report: StatisticsOut = Field(description="The report as issued")
    changes_since: list[ChangeOut] = Field(
        description="Figures that differ when the same report is computed now")


RESPONSES: tuple[type[BaseModel], ...] = (StatisticsOut, IssuedListOut, IssuedOut)
BODIES: tuple[type[BaseModel], ...] = (IssueIn,)
