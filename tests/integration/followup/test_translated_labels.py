"""Follow-up labels kept in tables (action kinds, the timeline's in-place events) and the
waiver form read in English; the catalog gets them through extract_workflow_labels."""

from __future__ import annotations

import html
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.followup import service as followup
from tests import factories as f
from tests.integration.followup.conftest import add, concluded
from tests.integration.ui.conftest import Ui, text


@pytest.fixture()
def case(w: f.World, session: Any) -> Any:
    found = concluded(w, follow_up=True)
    session.commit()
    return found


def _page(ui: Ui, case: Any, lang: str) -> str:
    ui.post("/language", {"lang": lang, "next": f"/cases/{case.id}"})
    return html.unescape(text(ui.get(f"/cases/{case.id}")))


def test_action_kinds_events_and_the_waiver_form_in_english(ui: Ui, w: f.World, case: Any,
                                                            session: Any) -> None:
    waived = add(w, case)
    add(w, case, description="Nộp lại tiền", kind="recovery", amount_vnd=1_500_000)
    session.commit()
    ui.sign_in(w.chair)
    english = _page(ui, case, "en")
    assert "Remedy shortcomings and violations" in english and "Recover money" in english
    assert "Reason for the waiver" in english and "Lý do miễn" not in english
    assert "Required action added to the conclusions" in english
    followup.waive_action(Actor.for_user(w.chair), case.id, waived.id,
                          reason="Đã chuyển công tác")
    session.commit()
    english = _page(ui, case, "en")
    assert "Required action waived" in english
    for label in ("Khắc phục hạn chế, vi phạm", "Thu hồi tiền",
                  "Miễn thực hiện việc theo kết luận", "Thêm việc phải thực hiện theo kết luận"):
        assert label not in english
    vietnamese = _page(ui, case, "vi")
    assert "Khắc phục hạn chế, vi phạm" in vietnamese and "Miễn thực hiện việc theo kết luận" in (
        vietnamese)
