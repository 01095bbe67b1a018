"""Issued reports: frozen figures, changes since, who may issue and see them."""

from __future__ import annotations

from datetime import date

import pytest

from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed
from hgkiemtra.reports import issued
from hgkiemtra.reports.statistics import build_report, parse_filter
from tests.integration.reports.scenario import Q3, open_on

TODAY = date(2026, 11, 28)


def issue(w, user, **kw):
    actor = w.actor(user)
    filters = parse_filter(actor, TODAY, period=kw.pop("period", Q3),
                           org=kw.pop("org", str(w.district.id)), kinds=kw.pop("kinds", ()))
    return issued.issue_report(actor, filters, reference=kw.pop("reference", "12-BC/UBKT"),
                               today=kw.pop("today", TODAY), **kw)


def test_an_issued_report_keeps_its_figures_and_shows_what_changed(w, built) -> None:
    row = issue(w, w.chair, note="Báo cáo quý III")
    actor = w.actor(w.chair)
    now = build_report(actor, parse_filter(actor, TODAY, period=Q3, org=str(w.district.id)),
                       TODAY)
    assert row.figures == now.figures()
    assert row.figures["denunciations.received.total"] == 2
    frozen = dict(row.figures)
    _, changes = issued.changes_since(actor, row, TODAY)
    assert changes == []
    # A denunciation recorded late, back-dated into the quarter.
    open_on(w, "denunciation", "2026-09-29")
    again = issued.get_issued(actor, row.id)
    assert again.figures == frozen  # never recomputed
    assert issued.frozen_report(again).figure("denunciations.received.total").value == 2
    _, changes = issued.changes_since(actor, again, TODAY)
    changed = {c.key: (c.frozen, c.now) for c in changes}
    assert changed["denunciations.received.total"] == (2, 3)
    assert changed["denunciations.received.member"] == (1, 2)
    assert "denunciations.received.organisation" not in changed


def test_who_may_issue_and_when(w, built) -> None:
    with pytest.raises(PermissionDenied):
        issue(w, w.committee_member)
    with pytest.raises(NotFound):
        issue(w, w.outsider)
    with pytest.raises(ValidationFailed):  # the quarter is not over yet
        issue(w, w.chair, period="2026-Q4")
    with pytest.raises(ValidationFailed):
        issue(w, w.chair, reference="  ")
    first = issue(w, w.admin)
    with pytest.raises(ValidationFailed) as exc:
        issue(w, w.chair)
    assert exc.value.details == {"issued_report_id": first.id}
    annual = issue(w, w.chair, period="2025", kinds=["denunciation"])  # another filter: fine
    assert annual.kinds == ("denunciation",)


def test_who_may_see_issued_reports(w, built) -> None:
    row = issue(w, w.chair)
    assert [r.id for r in issued.list_issued(w.actor(w.viewer))] == [row.id]
    assert issued.get_issued(w.actor(w.viewer), row.id).reference == "12-BC/UBKT"
    assert issued.list_issued(w.actor(w.outsider)) == []
    with pytest.raises(NotFound):
        issued.get_issued(w.actor(w.outsider), row.id)
    with pytest.raises(NotFound):
        issued.get_issued(w.actor(w.chair), 2**40)
