"""Every case kind walked from start to every outcome through the UI, as a person would.

For each walk in ``tests.walks.ALL_WALKS`` (the table the service and API walks use):

* the case is opened through the two-step new-case form (``/cases/new``: step 1 searches
  the subject, step 2 posts the title and, for walks pinned to an older rule set, the
  "ngày căn cứ" ``anchor_on`` that picks the workflow version);
* each step is taken signed in as the step's role (chair, committee member, inspector):
  the case page must offer the step as an enabled next-step button leading to its page,
  then that page is read — the event form
  ``/cases/<id>/events/<event>`` or, for the secret ballot, the votes page
  ``/cases/<id>/vote`` — and posted back with the CSRF token, the version and the
  confirmation from that page and each datum typed into the input the page names for it
  (``f_<field>``; the ballot's ``members_total`` is typed as its parts, the official
  members with nobody transferred or excused, as on paper);
* after each step the case page shows the new state and, first in the timeline, the step
  with its "from → to" states; at the end the case is in the walk's final state, every
  spawned case is in the links panel (and links back), and the audit chain verifies.

Days passing (a step's ``shift``): there is no HTTP-level clock. As in the API walk
(tests/integration/api/test_procedures_api.py), ``hgkiemtra.cases.service.utcnow`` is
monkeypatched to today + ``shift`` days before the step's pages are requested, so the
service stamps the event, checks its guards (e.g. the congress has passed, a suspension's
extension has run out) and plans deadlines on that later day; everything else (reading the
form, posting it) goes through the UI as for any other step.

One committed world is shared by the module (one outer transaction, rolled back at the
end): walks open their own cases, so they do not see each other.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.extensions import limiter
from tests import factories as f
from tests.conftest import _JoinedSession
from tests.integration.ui.conftest import CSRF, Ui, UiClient, text
from tests.walks import ALL_WALKS, NOTE, Step, Walk
from workflows import registry
from workflows.ballots import VOTE_BASE_FIELDS, is_ballot_event
from workflows.engine import EventDef, WorkflowDefinition

ROLES = {"chair": "chair", "member": "committee_member", "inspector": "inspector"}
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="(f_\w+)"[^>]*>')
HIDDEN = re.compile(r'<input\b[^>]*\bname="(f_\w+)"[^>]*\btype="hidden"')
VERSION = re.compile(r'<input\b[^>]*\bname="version"[^>]*\bvalue="(\d+)"')
STATE = re.compile(r'class="case-head__state">\s*<span class="badge badge--(\w+)">([^<]*)</span>')
NEWEST = re.compile(r'<span class="timeline__label">([^<]*)</span>.*?'
                    r'<p class="timeline__meta">(.*?)</p>.*?<p class="timeline__hash">#(\d+)',
                    re.S)


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[f.World]:
    """The ``session`` fixture of tests/conftest.py, for the whole module."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "class_": _JoinedSession,
             "join_transaction_mode": "create_savepoint"})
        try:
            w = f.world()
            db.session.commit()
            yield w
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture(scope="module")
def browser(app: Flask, world: f.World) -> Iterator[Ui]:
    previous = app.test_client_class
    app.test_client_class = UiClient
    limiter.reset()
    yield Ui(app.test_client())
    limiter.reset()
    app.test_client_class = previous


def page_of(ui: Ui, path: str) -> str:
    response = ui.get(path)
    assert response.status_code == 200, (path, response.status_code, response.headers)
    return text(response)


def open_case(ui: Ui, w: f.World, walk: Walk) -> int:
    ui.sign_in(w.inspector)
    member = walk.subject == "member"
    subject = w.subject if member else w.grassroots
    query = {"kind": walk.kind, "org_id": w.district.id, "subject_type": walk.subject,
             "subject_q": subject.full_name if member else subject.name}
    step1 = ui.get("/cases/new", query_string=query)
    page = text(step1)
    kinds = page.split('name="kind"', 1)[1].split("</select>", 1)[0]
    assert f'value="{walk.kind}"' in kinds  # the kind is picked from the list
    assert re.search(f'name="subject_id"[^>]*value="{subject.id}"', page), walk.name
    assert 'name="anchor_on"' in page
    data: dict[str, Any] = {**query, "subject_id": subject.id, "title": f"Hồ sơ {walk.name}",
                            "csrf_token": CSRF.search(page).group(1)}  # type: ignore[union-attr]
    if walk.anchor_on is not None:
        data["anchor_on"] = walk.anchor_on.isoformat()
    response = ui.client.post("/cases/new", data=data)
    assert response.status_code == 302, (walk.name, errors(text(response)))
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    case = db.session.get(Case, case_id)
    assert (case.workflow_name, case.workflow_version) == (walk.kind, walk.version)
    return case_id


def errors(page: str) -> list[str]:
    """What a refused form says, for the assertion message."""
    found = re.findall(r'class="field__errors"[^>]*>(.*?)</(?:ul|p)>', page, re.S)
    found += re.findall(r'class="alert alert--error"[^>]*>(.*?)</div>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", e)).split()) for e in found]


def typed(step: Step, names: set[str], hidden: set[str], ballot: bool) -> dict[str, str]:
    """The step's data as typed into the page's inputs (each must exist and be visible)."""
    data = {k: str(v) for k, v in step.data.items()}
    if ballot and "members_total" in data and "f_members_official" in names:
        data["members_official"] = data.pop("members_total")
        data.update({part: "0" for part in VOTE_BASE_FIELDS[1:] if part not in data})
    fields = {f"f_{k}": v for k, v in data.items()}
    missing = set(fields) - (names - hidden)
    assert not missing, f"the page has no input for {sorted(missing)} ({step.event})"
    return fields


def fire(ui: Ui, case_id: int, case_page: str, step: Step, event_def: EventDef) -> None:
    """Take ``step`` from the case page (as signed in now) through its form."""
    ballot = is_ballot_event(event_def)
    path = f"/cases/{case_id}/vote" if ballot else f"/cases/{case_id}/events/{step.event}"
    offered = f'href="{path}"' in case_page
    assert offered, f"the case page does not offer {step.event}"
    form = page_of(ui, path)
    names, hidden = set(FIELD.findall(form)), set(HIDDEN.findall(form))
    payload = {"csrf_token": CSRF.search(form).group(1),  # type: ignore[union-attr]
               "version": VERSION.search(form).group(1),  # type: ignore[union-attr]
               "note": NOTE, "confirm": "y", **typed(step, names, hidden, ballot)}
    if ballot:
        payload["action"] = "record"
    response = ui.client.post(path, data=payload)
    assert response.status_code == 302, (step.event, response.status_code,
                                         errors(text(response)))
    assert response.headers["Location"] == f"/cases/{case_id}"


def check_moved(page: str, case_id: int, definition: WorkflowDefinition, event_def: EventDef,
                before: str, seq: int) -> None:
    """The case is in the event's state; the page's badge and newest timeline entry say so."""
    case = db.session.get(Case, case_id)
    db.session.refresh(case)
    assert case.state == event_def.dest and case.event_count == seq
    phase, shown = STATE.search(page).groups()  # type: ignore[union-attr]
    now = str(definition.state(case.state).label)
    assert (phase, html.unescape(shown)) == (case.phase, now)
    label, meta, newest = NEWEST.search(page).groups()  # type: ignore[union-attr]
    assert (html.unescape(label), int(newest)) == (str(event_def.label), seq)
    moved = f"{definition.state(before).label} → {now}"
    assert moved in " ".join(html.unescape(meta).split()), (moved, meta)


@pytest.mark.parametrize("walk", ALL_WALKS, ids=lambda walk: walk.name)
def test_walk_through_the_ui(browser: Ui, world: f.World, walk: Walk, monkeypatch) -> None:
    w, ui = world, browser
    case_id = open_case(ui, w, walk)
    definition = registry.get(walk.kind, walk.version)
    state, done = definition.initial, None
    for seq, step in enumerate(walk.steps, start=2):
        if step.shift:
            later = utcnow() + timedelta(days=step.shift)
            monkeypatch.setattr(cases, "utcnow", lambda later=later: later)
        ui.sign_in(getattr(w, ROLES[step.role]))
        page = page_of(ui, f"/cases/{case_id}")
        if done is not None:  # the previous step, seen on the page that offers this one
            check_moved(page, case_id, definition, done, state, seq - 1)
            state = done.dest
        done = definition.event_map[step.event]
        fire(ui, case_id, page, step, done)
    ui.sign_in(w.chair)
    page = page_of(ui, f"/cases/{case_id}")
    check_moved(page, case_id, definition, done, state, len(walk.steps) + 1)
    case = db.session.get(Case, case_id)
    assert (case.state, case.phase) == (walk.final, "closed")
    assert "Hồ sơ đã kết thúc; không còn bước nào." in page
    assert 'class="chain-ok"' in page
    assert_links(ui, case, walk, page)
    with ui.client.application.app_context():  # its own session: iter_breaks expunges all
        assert list(audit.iter_breaks([case_id, *children_of(case_id)])) == []


def children_of(case_id: int) -> list[int]:
    from hgkiemtra.cases import links

    return [view.case.id for view in links.links_of(case_id)]


def assert_links(ui: Ui, case: Case, walk: Walk, page: str) -> None:
    from hgkiemtra.cases import links

    panel = page.split('id="links"', 1)[1].split("</section>", 1)[0]
    linked = links.links_of(case.id)
    assert sorted(v.case.kind for v in linked) == sorted(walk.spawns)
    assert panel.count("links__item--outgoing") == len(walk.spawns)
    assert "links__item--incoming" not in panel
    for view in linked:
        assert view.case.reference in panel
        child = page_of(ui, f"/cases/{view.case.id}")
        back = child.split('id="links"', 1)[1].split("</section>", 1)[0]
        assert back.count("links__item--incoming") == 1 and case.reference in back


@pytest.mark.parametrize(("bad", "error"), [
    ("2999-01-01", "Ngày căn cứ (anchor_on) không được sau ngày hôm nay"),
    ("30/02/2024", "Ngày không hợp lệ (dạng dd/mm/yyyy)."),
    ("hôm qua", "Ngày không hợp lệ (dạng dd/mm/yyyy)."),
])
def test_a_bad_reference_date_is_a_form_error(browser: Ui, world: f.World, bad: str,
                                              error: str) -> None:
    w, ui = world, browser
    ui.sign_in(w.inspector)
    query = {"kind": "denunciation", "org_id": w.district.id, "subject_type": "member",
             "subject_q": w.subject.full_name}
    page = text(ui.get("/cases/new", query_string=query))
    before = db.session.query(Case).count()
    response = ui.client.post("/cases/new", data={
        **query, "subject_id": w.subject.id, "title": "Đơn tố cáo", "anchor_on": bad,
        "csrf_token": CSRF.search(page).group(1)})  # type: ignore[union-attr]
    assert response.status_code == 422
    assert any(error in shown for shown in errors(text(response)))
    assert db.session.query(Case).count() == before
