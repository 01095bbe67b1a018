"""Every admin page is for admins only; settings for everyone are for site admins."""

from __future__ import annotations

import re

import pytest

from tests import factories as f

PLACEHOLDER = re.compile(r"<(?:(?:int|string):)?([a-z_]+)>")
SAMPLE = {"user_id": "1", "assignment_id": "1", "message_id": "1", "mail_id": "1",
          "day": "2026-09-10", "role": "leader", "org_id": "1", "kind": "merge",
          "custodian_id": "1"}
SITE_ONLY = ("/admin/calendar", "/admin/reminders", "/admin/outbox", "/admin/mail")


def admin_routes(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        path = PLACEHOLDER.sub(lambda m: SAMPLE[m.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def test_there_are_admin_routes(app):
    assert len(admin_routes(app)) >= 15


@pytest.mark.parametrize("who", ["chair", "inspector", "viewer", "committee_member"])
def test_non_admins_get_403_everywhere(ui, w, app, who):
    ui.sign_in(getattr(w, who))
    token = ui.csrf("/profile")
    for method, path in admin_routes(app):
        if method == "GET":
            response = ui.get(path)
        else:
            response = ui.client.post(path, data={"csrf_token": token})
        assert response.status_code == 403, (method, path)


def test_signed_out_visitors_are_sent_to_sign_in(ui, w, app):
    for method, path in admin_routes(app):
        if method == "GET":
            response = ui.get(path)
            assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_admin_post_needs_the_csrf_token(ui, w, app):
    ui.sign_in(w.admin)
    for method, path in admin_routes(app):
        if method == "POST":
            assert ui.client.post(path, data={}).status_code == 400, path


def test_a_district_admin_has_no_site_settings(ui, w, session):
    district_admin = f.user([("admin", w.district)], name="Quản trị huyện")
    session.commit()
    ui.sign_in(district_admin)
    assert ui.get("/admin/").status_code == 200
    assert ui.get("/admin/organisations").status_code == 200
    for path in SITE_ONLY:
        assert ui.get(path).status_code == 403, path
    assert ui.post("/admin/calendar", {"day": "2026-09-10", "kind": "off",
                                       "reason": "x"}).status_code == 403


def test_the_admin_link_shows_for_admins_only(ui, w):
    ui.sign_in(w.inspector)
    assert 'href="/admin/"' not in ui.get("/").get_data(as_text=True)
    ui.sign_in(w.admin)
    assert 'href="/admin/"' in ui.get("/").get_data(as_text=True)
