"""The outbox (what is waiting, what failed and why; resend) and the local
mail sink, where mail is kept instead of sent when no SMTP server is set.
Site admins only: mail from every organisation passes through both."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from hgkiemtra.admin.views import bp, flash_failure, site_admin_only
from hgkiemtra.cases.views.listing import Pages
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import NotFound, ValidationFailed
from hgkiemtra.reminders import service as outbox
from hgkiemtra.reminders.models import SinkMail
from hgkiemtra.web.forms import PostOnlyForm
from workflows.text import msg

PER_PAGE = 50
# A kept mail's HTML is shown as sent, sandboxed: no script, no request anywhere.
SINK_HTML_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; "
                 "frame-ancestors 'none'")


def _page_arg() -> int:
    return max(request.args.get("page", 1, type=int), 1)


@bp.get("/outbox")
def outbox_list() -> str:
    site_admin_only()
    status = request.args.get("status") or None
    if status not in (None, *outbox.STATUSES):
        status = None
    page = _page_arg()
    rows, total = outbox.list_outbox(status, page, PER_PAGE)
    counts = {s: outbox.list_outbox(s, per_page=1)[1] for s in outbox.STATUSES}
    return render_template("admin/outbox.html", rows=rows, status=status, counts=counts,
                           pages=Pages(page, PER_PAGE, total), post_form=PostOnlyForm())


@bp.post("/outbox/<int:message_id>/resend")
def resend(message_id: int) -> BaseResponse:
    site_admin_only()
    if PostOnlyForm().validate_on_submit():
        try:
            outbox.resend(message_id)
        except (ValidationFailed, NotFound) as exc:
            flash_failure(exc)
        else:
            db.session.commit()
            flash(_("Thư số %(id)d đã được xếp hàng gửi lại.", id=message_id), "success")
    return redirect(url_for("admin.outbox_list", status=request.args.get("status")))


@bp.get("/mail")
def sink_list() -> str:
    site_admin_only()
    to_addr = (request.args.get("to") or "").strip()[:255] or None
    page = _page_arg()
    rows, total = outbox.list_sink_mails(page, PER_PAGE, to_addr)
    return render_template("admin/sink.html", rows=rows, to_addr=to_addr or "",
                           pages=Pages(page, PER_PAGE, total))


def _sink_mail(mail_id: int) -> SinkMail:
    mail = db.session.get(SinkMail, mail_id)
    if mail is None:
        raise NotFound(msg("Không có thư số {mail_id}", mail_id=mail_id))
    return mail


@bp.get("/mail/<int:mail_id>")
def sink_mail(mail_id: int) -> str:
    site_admin_only()
    return render_template("admin/sink_mail.html", mail=_sink_mail(mail_id))


@bp.get("/mail/<int:mail_id>/html")
def sink_mail_html(mail_id: int) -> Response:
    site_admin_only()
    response = Response(_sink_mail(mail_id).body_html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = SINK_HTML_CSP
    return response
