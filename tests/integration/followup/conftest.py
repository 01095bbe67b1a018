"""Follow-up test helpers: cases brought to their conclusion, and actions on them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.followup import service as followup
from hgkiemtra.followup.models import FollowUpAction
from hgkiemtra.followup.validation import ActionInput
from tests import factories as f
from tests.integration.api.conftest import api  # noqa: F401  (fixture for test_api.py)
from tests.integration.ui.conftest import ui, ui_app  # noqa: F401  (fixtures for test_ui.py)

CONCLUDE = ("conclude", {"outcome": "shortcomings", "conclusion": "Có khuyết điểm"}, "chair")
CLEARED = ("conclude", {"outcome": "no_violation", "conclusion": "Không vi phạm"}, "chair")
FOLLOW_UP = ("start_follow_up", {}, "chair")
DUE = date.today() + timedelta(days=30)


def concluded(w: f.World, *, follow_up: bool = False, outcome: tuple[Any, ...] = CONCLUDE
              ) -> Case:
    steps = [*f.FULL_PATH, outcome, *([FOLLOW_UP] if follow_up else [])]
    return f.advance(w, f.case(w), steps)


def add(w: f.World, case: Case, kind: str = "remedy", **kw: Any) -> FollowUpAction:
    given = ActionInput(kind=kind, description=kw.pop("description", "Khắc phục hạn chế"),
                        due_on=kw.pop("due_on", DUE),
                        owner_user_id=kw.pop("owner_user_id", w.inspector.id),
                        owner_org_id=kw.pop("owner_org_id", None),
                        amount_vnd=kw.pop("amount_vnd", 1_500_000 if kind == "recovery" else None))
    return followup.add_action(Actor.for_user(kw.pop("by", w.inspector)), case.id, given, **kw)


@pytest.fixture()
def w(session: Any) -> f.World:
    world = f.world()
    session.commit()
    return world
