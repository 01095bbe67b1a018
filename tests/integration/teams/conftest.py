"""Teams and linked cases: a world, cases walked to a given step, and the API/UI clients.

The API and UI helpers are the ones tests/integration/api and ui use.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import utcnow
from hgkiemtra.people.models import Member, Organisation, User
from tests import factories as f
from tests.integration.api.conftest import Api
from tests.integration.ui.conftest import Ui, ui_app  # noqa: F401  (fixture)
from tests.walks import ALL_WALKS, NOTE


@pytest.fixture()
def w(session: Any) -> f.World:
    world = f.world()
    session.commit()
    return world


@pytest.fixture()
def api(client: FlaskClient, session: Any) -> Api:
    return Api(client, session)


@pytest.fixture()
def ui(ui_app, session: Any) -> Ui:  # noqa: F811
    return Ui(ui_app.test_client())


def walked(w: f.World, name: str, upto: int | None = None, **open_kw: Any) -> Case:
    """A case of walk ``name`` (tests/walks.py) moved through its first ``upto`` steps."""
    walk = next(x for x in ALL_WALKS if x.name == name)
    subject_id = w.subject.id if walk.subject == "member" else w.grassroots.id
    case = cases.open_case(
        w.actor(w.inspector), kind=walk.kind, title=f"Hồ sơ {walk.name}", org_id=w.district.id,
        subject_type=walk.subject, subject_id=subject_id, anchor_on=walk.anchor_on, **open_kw)
    users = {"chair": w.chair, "member": w.committee_member, "inspector": w.inspector}
    for step in walk.steps[:upto]:
        case = cases.fire_event(
            w.actor(users[step.role]), case.id, step.event, expected_version=case.version,
            note=NOTE, data=dict(step.data), now=utcnow() + timedelta(days=step.shift))
    return case


def member_user(org: Organisation, name: str, member: Member | None = None) -> User:
    """A staff user who is also a Party member of ``org`` (or the given member)."""
    member = member or f.member(org, f"{name} (đảng viên)")
    user = f.user([], name=name)
    user.member_id = member.id
    return user
