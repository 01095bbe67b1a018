"""The iCalendar feed: found by its secret token only, the user's items only."""

from __future__ import annotations

import re
from datetime import timedelta

from hgkiemtra.cases import queries
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.service import local_today
from tests import factories as f
from tests.integration.ui.conftest import text


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def events(body: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None and ":" in line:
            key, value = line.split(":", 1)
            current[key] = value
    return found


def feed_url(ui) -> str:
    page = text(ui.get("/profile"))
    match = re.search(r'<code class="token feed-url">http://localhost(/calendar/[^<]+\.ics)</code>',
                      page)
    assert match, "no feed address on the profile page"
    return match.group(1)


def make_world(w, make_case, session):
    mine = f.advance(w, make_case("Hồ sơ của tôi"), f.FULL_PATH[:1])
    other = cases.open_case(
        w.actor(w.chair), kind="inspection_violation", title="Hồ sơ người khác",
        org_id=w.district.id, subject_type="member", subject_id=w.subject.id,
        team=[cases.TeamSeat(w.committee_member.id, "leader")])
    session.commit()
    other = f.advance(w, other, f.FULL_PATH[:1])
    late = next(d for d in queries.case_deadlines(mine.id) if d.status == "open")
    late.due_on = local_today() - timedelta(days=1)
    session.commit()
    return mine, other


def test_the_feed_is_valid_and_holds_only_my_items(ui, w, make_case, session):
    mine, other = make_world(w, make_case, session)
    ui.sign_in(w.inspector)
    assert "feed-url" not in text(ui.get("/profile"))  # no feed until asked for
    assert ui.post("/calendar/feed").status_code == 302
    url = feed_url(ui)
    ui.client.delete_cookie("hgkiemtra_session")  # a calendar app has no session
    response = ui.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = text(response)
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    items = events(body)
    assert [e["SUMMARY"].split(":")[0] for e in items] == [mine.reference]
    item = items[0]
    deadline = next(d for d in queries.case_deadlines(mine.id) if d.status == "open")
    assert item["DTSTART;VALUE=DATE"] == deadline.due_on.strftime("%Y%m%d")
    assert item["UID"].startswith(f"deadline-{deadline.id}@")
    assert item["URL"].endswith(f"/cases/{mine.id}")
    assert "quá hạn" in item["SUMMARY"]
    assert mine.title not in body  # only the reference leaves the system
    # The same UID on the next fetch, so calendar apps update rather than duplicate.
    assert events(text(ui.get(url)))[0]["UID"] == item["UID"]
    # scope=all: every case in the user's scope.
    everything = events(text(ui.get(url + "?scope=all")))
    assert {e["SUMMARY"].split(":")[0] for e in everything} == {mine.reference, other.reference}
    assert ui.get(url + "?scope=nope").status_code == 404


def test_bad_tokens_and_regenerating(ui, w, make_case, session):
    make_world(w, make_case, session)
    assert ui.get("/calendar/not-a-token.ics").status_code == 404
    ui.sign_in(w.inspector)
    ui.post("/calendar/feed")
    old = feed_url(ui)
    assert ui.get(old).status_code == 200
    ui.post("/calendar/feed")
    new = feed_url(ui)
    assert new != old
    assert ui.get(old).status_code == 404
    assert ui.get(new).status_code == 200
    ui.post("/calendar/feed/off")
    assert ui.get(new).status_code == 404
    assert "feed-url" not in text(ui.get("/profile"))


def test_a_locked_account_has_no_feed(ui, w, make_case, session):
    make_world(w, make_case, session)
    ui.sign_in(w.inspector)
    ui.post("/calendar/feed")
    url = feed_url(ui)
    w.inspector.is_active = False
    session.commit()
    assert ui.get(url).status_code == 404


def test_changing_the_feed_needs_the_csrf_token(ui, w):
    ui.sign_in(w.inspector)
    assert ui.client.post("/calendar/feed").status_code == 400
    assert ui.client.post("/calendar/feed/off").status_code == 400
