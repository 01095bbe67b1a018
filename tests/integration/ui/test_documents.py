"""Documents: upload checks (type, size), download as an attachment, scope."""

from __future__ import annotations

import hashlib
import io

import pytest

from hgkiemtra.cases.models import Document
from tests.integration.ui.conftest import text

PDF = b"%PDF-1.4\n% hgkiemtra test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _upload(ui, case, name: str, body: bytes, doc_type: str = "decision"):
    return ui.post(f"/cases/{case.id}/documents",
                   {"doc_type": doc_type, "file": (io.BytesIO(body), name)},
                   form_page=f"/cases/{case.id}", content_type="multipart/form-data")


def test_upload_then_download_the_same_bytes_as_an_attachment(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.inspector)
    response = _upload(ui, case, "quyet-dinh.pdf", PDF)
    assert response.status_code == 302
    document = session.query(Document).filter_by(case_id=case.id).one()
    digest = hashlib.sha256(PDF).hexdigest()
    assert document.sha256 == digest and document.doc_type == "decision"
    page = text(ui.get(f"/cases/{case.id}"))
    assert "quyet-dinh.pdf" in page and digest in page and "Quyết định" in page
    download = ui.get(f"/cases/{case.id}/documents/{document.id}")
    assert download.status_code == 200
    assert download.get_data() == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "quyet-dinh.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()


def test_a_file_of_a_type_not_accepted_is_rejected(ui, w, make_case, session, storage_dir):
    case = make_case()
    ui.sign_in(w.inspector)
    before = sorted(p.name for p in storage_dir.rglob("*"))
    for name in ("virus.exe", "trang.html", "khong-duoi"):
        response = _upload(ui, case, name, b"MZ\x90\x00 not a document")
        assert response.status_code == 422, name
        assert "Loại tệp này không được nhận." in text(response)
    assert session.query(Document).filter_by(case_id=case.id).count() == 0
    assert sorted(p.name for p in storage_dir.rglob("*")) == before


def test_an_empty_file_is_rejected(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.inspector)
    response = _upload(ui, case, "rong.pdf", b"")
    assert response.status_code == 422
    assert session.query(Document).filter_by(case_id=case.id).count() == 0


def test_a_file_too_big_is_refused_with_a_clear_page(ui, w, make_case, session, app,
                                                   monkeypatch: pytest.MonkeyPatch):
    case = make_case()
    ui.sign_in(w.inspector)
    token = ui.csrf(f"/cases/{case.id}")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = ui.client.post(
        f"/cases/{case.id}/documents",
        data={"csrf_token": token, "doc_type": "other",
              "file": (io.BytesIO(b"%PDF" + b"x" * 8192), "lon.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in text(response)
    assert session.query(Document).filter_by(case_id=case.id).count() == 0


def test_a_viewer_cannot_upload(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.viewer)
    response = _upload(ui, case, "a.pdf", PDF)
    assert response.status_code == 403
    assert session.query(Document).filter_by(case_id=case.id).count() == 0


def test_documents_outside_the_scope_are_not_found(ui, w, make_case, session):
    case = make_case()
    ui.sign_in(w.inspector)
    assert _upload(ui, case, "a.pdf", PDF).status_code == 302
    document = session.query(Document).filter_by(case_id=case.id).one()
    other = make_case("Hồ sơ khác")
    assert ui.get(f"/cases/{other.id}/documents/{document.id}").status_code == 404
    ui.sign_in(w.outsider)
    assert ui.get(f"/cases/{case.id}/documents/{document.id}").status_code == 404
    assert _upload(ui, case, "b.pdf", PDF).status_code == 404
