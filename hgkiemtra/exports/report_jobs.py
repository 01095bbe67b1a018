"""Statistics reports as export jobs (kinds ``report_xlsx`` and ``report_csv``).

The report is built and written by ``hgkiemtra.reports`` (``statistics`` and
``exports``); this module adapts it to a job: the filters are the statistics
page's parameters (``period``, ``start``, ``end``, ``org``, ``kind``), checked
when the job is created and again, with the owner's scope of the moment,
when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.reports import exports as report_exports
from hgkiemtra.reports.statistics import parse_filter

KINDS = {"report_xlsx": ".xlsx", "report_csv": ".csv"}
PARAMS = ("period", "start", "end", "org", "kind")
MAX_PARAM = 200

Reporter = Callable[[int, int], None]  # (steps done, steps in all)


def suffix(kind: str) -> str:
    return KINDS[kind]


def clean_params(actor: Actor, params: dict[str, Any], today: date) -> dict[str, str]:
    """The known parameters as short strings (kinds comma-separated), checked like
    the page checks them: a bad value raises ValidationFailed or NotFound."""
    clean: dict[str, str] = {}
    for name in PARAMS:
        value = params.get(name)
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value if v)
        if value not in (None, ""):
            clean[name] = str(value)[:MAX_PARAM]
    kinds = [k for k in clean.get("kind", "").split(",") if k]
    parse_filter(actor, today, period=clean.get("period"), start=clean.get("start"),
                 end=clean.get("end"), org=clean.get("org"), kinds=kinds)
    return clean


def write(kind: str, actor: Actor, params: dict[str, Any], target: Path, today: date,
          report: Reporter) -> None:
    """Build the report with the owner's current scope and write it to ``target``."""
    report(0, 2)
    built = report_exports.report_from_params(actor, params, today)
    report(1, 2)
    with target.open("wb") as out:
        if kind == "report_xlsx":
            report_exports.write_report_xlsx(built, out)
        else:
            report_exports.write_report_csv(built, out)
    report(2, 2)
