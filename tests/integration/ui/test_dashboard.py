"""The dashboard at / shows each role what needs its attention, within its scope."""

from __future__ import annotations

from datetime import timedelta

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.core.db import utcnow
from tests import factories as f
from tests.integration.ui.conftest import text
from tests.statements import recorded


def _decided_long_ago(w, case, days: int = 40):
    """Decide the case weeks ago: its launch deadline is overdue now."""
    return cases.fire_event(
        Actor.for_user(w.chair), case.id, "decide", expected_version=case.version,
        data={"decision_number": "7-QĐ/UBKT", "decision_date": "2026-01-05"},
        now=utcnow() - timedelta(days=days),
    )


def test_inspector_sees_own_cases_and_next_deadlines(ui, w, make_case, session):
    mine = make_case("Hồ sơ có tôi trong đoàn")
    _decided_long_ago(w, mine)
    other = f.case(w, "Hồ sơ không có tôi")
    other.team.clear()
    session.commit()
    ui.sign_in(w.inspector)
    page = text(ui.get("/"))
    assert "Hồ sơ tôi tham gia" in page and "Hạn sắp tới của tôi" in page
    assert "Hồ sơ có tôi trong đoàn" in page
    assert "Hồ sơ không có tôi" not in page
    assert "Triển khai quyết định kiểm tra" in page  # the deadline's label
    assert "due--overdue" in page and "quá hạn" in page
    assert "Chờ Ủy ban Kiểm tra xem xét" not in page  # not the committee's view


def test_committee_sees_review_discipline_and_counts_by_phase(ui, w, make_case, session):
    review = f.advance(w, make_case("Chờ Ủy ban xem xét"), f.FULL_PATH)
    late = make_case("Đã quyết định, quá hạn triển khai")
    _decided_long_ago(w, late)
    session.commit()
    assert review.state == "committee_review"
    ui.sign_in(w.committee_member)
    page = text(ui.get("/"))
    assert "Chờ Ủy ban Kiểm tra xem xét, kết luận" in page
    assert "Chờ Ủy ban xem xét" in page
    assert "Đang xem xét kỷ luật" in page
    assert "Hồ sơ đang giải quyết theo giai đoạn" in page
    assert "1 quá hạn" in page  # the planned phase has one overdue case
    assert "tiến độ chương trình" not in page.lower()  # no programme yet: no panel


def test_viewer_sees_the_overview_without_actions(ui, w, make_case):
    make_case()
    ui.sign_in(w.viewer)
    page = text(ui.get("/"))
    assert "Hồ sơ đang giải quyết theo giai đoạn" in page
    assert "Lập hồ sơ mới" not in page and "/cases/new" not in page
    assert "chỉ xem" in page.lower()


def test_a_case_outside_the_scope_never_shows_on_the_dashboard(ui, w, make_case):
    f.advance(w, make_case("Hồ sơ của Vị Thanh"), f.FULL_PATH)
    ui.sign_in(w.outsider)
    page = text(ui.get("/"))
    assert "Hồ sơ của Vị Thanh" not in page
    assert "Không có hồ sơ nào đang chờ Ủy ban xem xét." in page


def test_the_inspectors_panels_load_nothing_case_by_case(ui, w, make_case, session):
    """Their cases and next deadlines in one query each (and the deadlines'
    extensions and pauses): no organisation or subject read per row."""
    for n in range(3):
        _decided_long_ago(w, make_case(f"Hồ sơ số {n}"))
    session.commit()
    ui.sign_in(w.inspector)
    ui.get("/")
    with recorded(selects_only=True) as seen:
        page = text(ui.get("/"))
    assert all(f"Hồ sơ số {n}" in page for n in range(3))
    assert len(seen) == 5, "\n".join(seen)  # user, cases, deadlines, extensions, pauses
