"""Case documents: upload (type and size checked by the service) and download.

Downloads are always attachments with the stored content type, never served
from static/, and carry a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import base64

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.cases import documents as docs
from hgkiemtra.cases.forms import UploadForm
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.cases.views import bp
from hgkiemtra.cases.views.case_page import render_case
from hgkiemtra.cases.views.common import load_case, max_upload_bytes
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.web.login import current_actor
from hgkiemtra.web.security import DOWNLOAD_CSP
from hgkiemtra.web.storage import current_storage, send_stored
from workflows.text import msg


@bp.post("/cases/<int:case_id>/documents")
def upload(case_id: int) -> Response | tuple[str, int]:
    actor = current_actor()
    case = load_case(actor, case_id)
    form = UploadForm()
    form.fill_choices()
    if not form.validate_on_submit():
        return render_case(actor, case, upload_form=form, status=422)
    try:
        document = docs.store_document(
            actor, case.id,
            filename=form.file.data.filename or "",
            stream=form.file.data.stream,
            storage=current_storage(),
            doc_type=form.doc_type.data,
            max_bytes=max_upload_bytes(),
        )
    except ValidationFailed as exc:
        db.session.rollback()
        form.file.errors = [*form.file.errors, exc.message]
        return render_case(actor, case, upload_form=form, status=422)
    db.session.commit()
    flash(_("Đã tải lên “%(name)s”.", name=document.filename), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="documents"))


@bp.get("/cases/<int:case_id>/documents/<int:document_id>")
def download(case_id: int, document_id: int) -> Response:
    actor = current_actor()
    case = load_case(actor, case_id)
    if document_id > INT32_MAX:
        raise NotFound(msg("Không tìm thấy tài liệu {document_id}", document_id=document_id))
    document = docs.find_document(actor, document_id)
    storage = current_storage()
    key = docs.document_key(document.sha256)
    if document.case_id != case.id or not storage.exists(key):
        raise NotFound(msg("Không tìm thấy tài liệu {document_id}", document_id=document_id))
    # Streamed from the shared storage (a folder or a bucket), whichever node stored it.
    response = send_stored(storage, key, mimetype=document.content_type,
                           download_name=document.filename, size=document.size)
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
