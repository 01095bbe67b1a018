"""The export pages: my jobs with their progress, starting a job, downloading.

``/exports`` lists the signed-in user's jobs; while one is unfinished the
list refreshes itself with htmx polling (vendored htmx, no inline script),
and a plain "tải lại" link does the same without JavaScript. Only the owner
may download a file; anyone else gets 404.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.cases import export as case_export
from hgkiemtra.cases.service import local_today
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.exports import report_jobs, service, tasks
from hgkiemtra.exports.models import ExportKind
from hgkiemtra.extensions import login_manager
from hgkiemtra.web.forms import PostOnlyForm
from hgkiemtra.web.i18n import translate
from hgkiemtra.web.login import current_actor
from hgkiemtra.web.security import DOWNLOAD_CSP
from hgkiemtra.web.storage import current_storage, send_stored

bp = Blueprint("exports", __name__, template_folder=str(Path(__file__).parent / "templates"))

MIMETYPES = {".xlsx": case_export.XLSX_MIMETYPE, ".csv": "text/csv"}
FORMATS = {"xlsx": ExportKind.CASES_XLSX.value, "csv": ExportKind.CASES_CSV.value}


@bp.before_request
def _require_login() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    return None


@bp.get("/exports")
def jobs() -> str:
    found = service.my_jobs(current_actor())
    template = "exports/_jobs.html" if request.headers.get("HX-Request") else "exports/jobs.html"
    return render_template(template, jobs=found,
                           is_polling=any(not j.is_finished for j in found))


@bp.post("/exports/cases")
def start_case_export() -> Response | tuple[str, int]:
    """A background export of the case list with the filters in the query string."""
    from hgkiemtra.cases.views.listing import filter_form

    if not PostOnlyForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, hãy thử lại."), "error")
        return redirect(url_for("cases.case_list", **request.args))
    kind = FORMATS.get(request.form.get("format", ""))
    if kind is None:
        return render_template("exports/jobs.html", jobs=service.my_jobs(current_actor()),
                               is_polling=False, error=_("Định dạng xuất không hợp lệ.")), 422
    filters = filter_form().to_filter(current_user.id)
    job = service.create_case_job(current_actor(), kind, filters)
    db.session.commit()
    tasks.enqueue(job.id)
    flash(_("Đã nhận yêu cầu xuất dữ liệu. Tệp sẽ sẵn sàng để tải về ở trang này."), "success")
    return redirect(url_for("exports.jobs"))


@bp.post("/exports/reports")
def start_report_export() -> Response:
    """A background export of a statistics report; its filters (the statistics
    page's ``period``, ``start``, ``end``, ``org``, ``kind``) come in the query
    string or the form."""
    if not PostOnlyForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, hãy thử lại."), "error")
        return redirect(url_for("exports.jobs"))
    params: dict[str, Any] = {}
    for source in (request.args, request.form):
        for name in report_jobs.PARAMS:
            values = [v for v in source.getlist(name) if v]
            if values:
                params[name] = ",".join(values)
    kind = "report_" + request.form.get("format", "")
    try:
        job = service.create_report_job(current_actor(), kind, params, local_today())
    except DomainError as exc:
        db.session.rollback()
        flash(translate(exc.message), "error")  # the session keeps text, not a Msg
        return redirect(url_for("exports.jobs"))
    db.session.commit()
    tasks.enqueue(job.id)
    flash(_("Đã nhận yêu cầu xuất dữ liệu. Tệp sẽ sẵn sàng để tải về ở trang này."), "success")
    return redirect(url_for("exports.jobs"))


@bp.get("/exports/<int:job_id>/download")
def download(job_id: int) -> Response:
    storage = current_storage()
    job, key = service.file_for_download(current_actor(), job_id, storage)
    suffix = PurePosixPath(key).suffix
    response = send_stored(storage, key, mimetype=MIMETYPES.get(suffix, "application/octet-stream"),
                           download_name=job.download_name or PurePosixPath(key).name)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
