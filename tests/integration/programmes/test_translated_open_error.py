"""Why an item could not open its case reads in the reader's language."""

from __future__ import annotations

import html

from hgkiemtra.core.db import db
from hgkiemtra.programmes import opening
from hgkiemtra.programmes.models import ProgrammeItem
from tests.integration.programmes.conftest import Plan, local
from workflows.text import msg

REASON_VI = "không thuộc"


def _failed_item(plan: Plan) -> ProgrammeItem:
    plan.w.subject.org_id = plan.w.other_district.id  # moved away since the item was planned
    db.session.flush()
    db.session.expire_all()
    report = opening.open_due(local(2026, 7, 1))
    assert plan.items[1].id in dict(report.failed)
    db.session.commit()
    item = db.session.get(ProgrammeItem, plan.items[1].id)
    assert item is not None and REASON_VI in item.open_error and item.open_error_parts
    return item


def _programme_page(ui, plan: Plan, lang: str) -> str:
    path = f"/programmes/{plan.programme.id}"
    ui.post("/language", {"lang": lang, "next": path})
    response = ui.get(path)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_open_error_reads_in_english_and_in_vietnamese(ui, plan: Plan) -> None:
    item = _failed_item(plan)
    ui.sign_in(plan.w.chair)
    english = _programme_page(ui, plan, "en")
    assert "The case could not be opened automatically: " in english
    assert item.open_error not in english and REASON_VI not in english
    assert item.open_error in _programme_page(ui, plan, "vi")


def test_an_older_open_error_without_parts_shows_its_text(ui, plan: Plan) -> None:
    item = _failed_item(plan)
    item.open_error, item.open_error_parts = "Lý do ghi trước đây: 12 hồ sơ", None
    db.session.commit()
    ui.sign_in(plan.w.chair)
    assert "Lý do ghi trước đây: 12 hồ sơ" in _programme_page(ui, plan, "en")


def test_opening_by_hand_clears_the_reason_and_its_parts(plan: Plan) -> None:
    item = _failed_item(plan)
    item.record_open_error(None)
    assert item.open_error is None and item.open_error_parts is None
    assert item.open_error_message is None


def test_a_reason_with_values_reads_in_english(ui, plan: Plan) -> None:
    item = _failed_item(plan)
    item.record_open_error(msg("Đảng viên {member} không thuộc {inspected} hoặc tổ chức trực "
                               "thuộc", member="Nguyễn Văn A", inspected="Chi bộ"))
    db.session.commit()
    ui.sign_in(plan.w.chair)
    english = _programme_page(ui, plan, "en")
    assert "The member Nguyễn Văn A does not belong to" in english
    assert item.open_error not in english
    assert item.open_error in _programme_page(ui, plan, "vi")
