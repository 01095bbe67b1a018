"""English on request, dates dd/mm/yyyy; security headers, cookies, error pages,
and templates that a strict Content-Security-Policy can serve."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import hgkiemtra
from hgkiemtra.translations.extract_workflow_labels import data_labels
from tests import factories as f
from tests.integration.ui.conftest import text

PACKAGE = Path(hgkiemtra.__file__).parent
CATALOG = PACKAGE / "translations" / "en" / "LC_MESSAGES"


def test_switching_to_english_changes_the_labels_and_is_remembered(ui, w, make_case, session):
    case = f.advance(w, make_case(), f.FULL_PATH[:1])
    ui.sign_in(w.chair)
    assert "Bước tiếp theo" in text(ui.get(f"/cases/{case.id}"))
    response = ui.post("/language", {"lang": "en", "next": f"/cases/{case.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    page = text(ui.get(f"/cases/{case.id}"))
    assert '<html lang="en">' in page
    assert "Next steps" in page and "Bước tiếp theo" not in page
    assert "Decision and plan issued" in page  # a workflow state label
    assert "Launch the decision with the subject" in page  # an event label
    assert "02/03/2026" in page  # still dd/mm/yyyy
    session.refresh(w.chair)
    assert w.chair.locale == "en"
    # A new session of the same user starts in English.
    ui.client.delete_cookie("hgkiemtra_session")
    ui.sign_in(w.chair)
    assert "Open cases by phase" in text(ui.get("/"))
    ui.post("/language", {"lang": "vi", "next": "https://evil.example/"})
    assert "Hồ sơ đang giải quyết theo giai đoạn" in text(ui.get("/"))


def test_the_sign_in_page_can_switch_language_too(ui, w):
    token = ui.csrf("/login")
    ui.client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/login"})
    assert "Sign in" in text(ui.get("/login"))


def test_every_workflow_label_has_an_english_translation():
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [label for label in data_labels()
               if label not in catalog or not catalog[label].string]
    assert missing == [], "run the steps in README 'Translations'"
    untranslated = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert _ids(compiled) == _ids(catalog), (
        "messages.mo is stale: run pybabel compile -d hgkiemtra/translations")


def _ids(catalog) -> set[object]:
    return {tuple(m.id) if isinstance(m.id, list | tuple) else m.id for m in catalog if m.id}


def test_security_headers_on_every_page(ui, w, make_case):
    case = make_case()
    responses = [ui.get("/login")]
    ui.sign_in(w.chair)
    responses += [ui.get("/"), ui.get(f"/cases/{case.id}"), ui.get("/cases/999999"),
                  ui.get("/static/css/app.css")]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "style-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in response.headers  # plain http here
        response.close()
    assert responses[1].headers["Cache-Control"] == "no-store"


def test_hsts_when_served_over_https(ui, w):
    response = ui.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_session_cookie_is_httponly_and_samesite(ui, w, session):
    from hgkiemtra.auth.passwords import hash_password
    from tests.integration.ui.conftest import PASSWORD

    w.inspector.password_hash = hash_password(PASSWORD)
    session.commit()
    response = ui.login(w.inspector.email)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("hgkiemtra_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # ends after the idle lifetime, not never


def test_error_pages_are_html_and_the_api_keeps_json(ui, w):
    ui.sign_in(w.chair)
    page = ui.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Không tìm thấy" in text(page)
    assert ui.get("/api/v1/no-such-route").get_json()["error"] == "not_found"
    assert ui.client.post("/api/v1/cases", json={}).status_code == 401  # no CSRF on the API


def test_templates_use_no_inline_script_or_style():
    templates = [p for p in PACKAGE.rglob("*.html") if "templates" in p.parts
                 and "mail" not in p.parts]
    assert templates
    for path in templates:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), path
        assert "<style" not in source and "style=" not in source, path
        assert not re.search(r"\son[a-z]+=", source), path  # no inline event handlers


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path):
    from hgkiemtra.app import create_app
    from tests.conftest import TEST_SECRET_KEY

    secure = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                         "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
                         "INSTANCE_DIR": str(tmp_path), "BASE_URL": "https://ubkt.example.vn"})
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["SESSION_COOKIE_HTTPONLY"] is True
    assert secure.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with secure.test_client() as client:
        assert "Strict-Transport-Security" in client.get("/login").headers
