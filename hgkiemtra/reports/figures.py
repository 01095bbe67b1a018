"""The typed shape of a statistics report: sections of rows of figures.

Every figure has a stable key ``section.row.column`` — the key under which an
issued report freezes it and against which later data is compared. Labels
and definitions are Vietnamese msgids, translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hgkiemtra.reports.periods import Period

Number = int | float

# How a figure is shown and compared: counts, Vietnamese đồng, percentages, days.
UNITS = ("count", "vnd", "percent", "days")


@dataclass(frozen=True)
class Figure:
    key: str
    value: Number | None  # None: nothing to measure (a median of no case)
    previous: Number | None = None
    unit: str = "count"

    @property
    def change(self) -> Number | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1) if self.unit in ("percent", "days") \
            else self.value - self.previous

    @property
    def change_percent(self) -> float | None:
        """Relative change, None when the previous value is zero or missing."""
        if self.value is None or not self.previous:
            return None
        return round(100 * (self.value - self.previous) / self.previous, 1)


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: tuple[Figure, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    definition: str  # "cách tính": how every figure of the section is counted
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    chart_column: str | None = None  # the column drawn as a chart (None: no chart)


@dataclass(frozen=True)
class Scope:
    """What the report covers, as shown at its head."""

    org_id: int | None
    org_name: str
    kinds: tuple[str, ...]  # empty: every kind


@dataclass(frozen=True)
class Report:
    period: Period
    previous_period: Period
    scope: Scope
    sections: tuple[Section, ...]
    generated_at: datetime
    as_of: date  # "today" when computed: open deadlines are judged against it
    notes: tuple[str, ...] = field(default=())

    def figures(self) -> dict[str, Number | None]:
        """Every figure by key: what an issued report freezes."""
        return {f.key: f.value for s in self.sections for r in s.rows for f in r.figures}

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for row in section.rows:
                for fig in row.figures:
                    if fig.key == key:
                        return fig
        raise KeyError(key)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def figure_labels(report: Report) -> dict[str, tuple[str, str, str]]:
    """key -> (section title, row label, column label), for diffs and exports."""
    labels: dict[str, tuple[str, str, str]] = {}
    for section in report.sections:
        columns = {c.key: c.label for c in section.columns}
        for row in section.rows:
            for fig in row.figures:
                column = fig.key.rsplit(".", 1)[1]
                labels[fig.key] = (section.title, row.label, columns.get(column, column))
    return labels


def json_number(value: Any) -> Number | None:
    """A frozen value read back from JSON (ints stay ints)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    raise ValueError(f"not a number: {value!r}")
