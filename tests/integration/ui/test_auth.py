"""Sign-in, throttling, sign-out, password change, CSRF and API tokens on the profile page."""

from __future__ import annotations

from hgkiemtra.auth.models import ApiToken
from hgkiemtra.auth.passwords import hash_password, verify_password
from hgkiemtra.people.models import User
from tests.integration.ui.conftest import PASSWORD, text


def _with_password(session, user: User, password: str = PASSWORD) -> User:
    user.password_hash = hash_password(password)
    session.commit()
    return user


def test_pages_need_a_signed_in_user(ui, w):
    response = ui.get("/cases?q=abc")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_with_the_right_password_goes_to_the_local_next_page(ui, w, session):
    _with_password(session, w.inspector)
    response = ui.login(w.inspector.email.upper(), next="/cases")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases"
    assert w.inspector.full_name in text(ui.get("/cases"))


def test_login_never_redirects_to_another_site(ui, w, session):
    _with_password(session, w.inspector)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = ui.login(w.inspector.email, next=target)
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def test_a_wrong_password_or_unknown_email_gets_one_message(ui, w, session):
    _with_password(session, w.inspector)
    wrong = ui.login(w.inspector.email, "not-the-password-at-all")
    unknown = ui.login("nobody@example.vn", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Email hoặc mật khẩu không đúng." in text(response)
    assert ui.get("/").status_code == 302


def test_an_inactive_account_is_refused(ui, w, session):
    _with_password(session, w.inspector)
    w.inspector.is_active = False
    session.commit()
    response = ui.login(w.inspector.email)
    assert response.status_code == 401
    assert "Tài khoản này đã bị khóa" in text(response)
    assert ui.get("/").status_code == 302


def test_an_inactive_account_loses_its_open_session(ui, w, session):
    ui.sign_in(w.inspector)
    assert ui.get("/").status_code == 200
    w.inspector.is_active = False
    session.commit()
    assert ui.get("/").status_code == 302


def test_failed_logins_are_throttled_per_account(ui, w, session):
    _with_password(session, w.inspector)
    for _ in range(5):
        assert ui.login(w.inspector.email, "wrong-password-123").status_code == 401
    throttled = ui.login(w.inspector.email, PASSWORD)
    assert throttled.status_code == 429
    assert "quá nhiều lần" in text(throttled)
    # Another account from the same address is not blocked by that.
    _with_password(session, w.chair)
    assert ui.login(w.chair.email).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(ui, w, session):
    _with_password(session, w.inspector)
    for _ in range(7):
        assert ui.login(w.inspector.email).status_code == 302


def test_logout_is_a_post_and_ends_the_session_everywhere(ui, other_ui, w, session):
    _with_password(session, w.inspector)
    assert ui.login(w.inspector.email).status_code == 302
    stolen = ui.client.get_cookie("hgkiemtra_session").value
    assert ui.get("/logout").status_code == 405
    response = ui.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert ui.get("/").status_code == 302
    # The cookie copied before signing out no longer works.
    other_ui.client.set_cookie("hgkiemtra_session", stolen)
    assert other_ui.get("/").status_code == 302


def test_a_post_without_the_csrf_token_is_refused(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.chair)
    response = ui.client.post(f"/cases/{case.id}/events/decide", data={
        "version": case.version, "confirm": "y", "f_decision_number": "1-QĐ",
        "f_decision_date": "2026-03-02"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in text(response)
    session.refresh(case)
    assert case.state == "proposed"
    assert ui.client.post("/login", data={"email": w.chair.email,
                                          "password": PASSWORD}).status_code == 400
    forged = ui.client.post("/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400


def test_password_change_checks_the_rules(ui, w, session):
    _with_password(session, w.inspector)
    ui.sign_in(w.inspector)
    cases = [
        ({"current_password": "wrong-current-pw", "new_password": "a-new-long-pass-2026",
          "confirm": "a-new-long-pass-2026"}, "Mật khẩu hiện tại không đúng."),
        ({"current_password": PASSWORD, "new_password": "short-pw",
          "confirm": "short-pw"}, "ít nhất 12 ký tự"),
        ({"current_password": PASSWORD, "new_password": "qwerty123456",
          "confirm": "qwerty123456"}, "quá phổ biến"),
        ({"current_password": PASSWORD, "new_password": "abcabcabcabc",
          "confirm": "abcabcabcabc"}, "lặp lại"),
        ({"current_password": PASSWORD, "new_password": "a-new-long-pass-2026",
          "confirm": "something-else-2026"}, "không khớp"),
    ]
    for data, message in cases:
        response = ui.post("/profile/password", data)
        assert response.status_code == 422, message
        assert message in text(response)
    session.refresh(w.inspector)
    assert verify_password(w.inspector.password_hash, PASSWORD)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(ui, other_ui, w, session):
    _with_password(session, w.inspector)
    assert ui.login(w.inspector.email).status_code == 302
    assert other_ui.login(w.inspector.email).status_code == 302
    new = "mot-mat-khau-moi-rat-dai"
    response = ui.post("/profile/password", {
        "current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert ui.get("/").status_code == 200
    assert other_ui.get("/").status_code == 302
    session.refresh(w.inspector)
    assert verify_password(w.inspector.password_hash, new)
    assert other_ui.login(w.inspector.email, PASSWORD).status_code == 401
    assert other_ui.login(w.inspector.email, new).status_code == 302


def test_api_tokens_are_shown_once_and_can_be_revoked(ui, w, session):
    ui.sign_in(w.inspector)
    created = ui.post("/profile/tokens", {"name": "báo cáo"})
    assert created.status_code == 201
    page = text(created)
    assert "hgk_" in page and "chỉ hiện lần này" in page
    row = session.query(ApiToken).filter_by(user_id=w.inspector.id).one()
    listed = text(ui.get("/profile"))
    assert "báo cáo" in listed and row.prefix in listed
    assert page.count("hgk_") > listed.count("hgk_")  # the full token is not listed again
    revoked = ui.post(f"/profile/tokens/{row.id}/revoke")
    assert revoked.status_code == 302
    session.refresh(row)
    assert row.revoked_at is not None
    # Someone else's token cannot be revoked.
    ui.sign_in(w.chair)
    other = session.query(ApiToken).filter_by(user_id=w.inspector.id).one()
    other.revoked_at = None
    session.commit()
    ui.post(f"/profile/tokens/{other.id}/revoke")
    session.refresh(other)
    assert other.revoked_at is None
