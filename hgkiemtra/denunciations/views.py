"""The vault's pages: a case's denouncer (pseudonym, requests, decisions, the
reveal) and a custodian's queue of pending requests.

Views are thin: one service call, one commit, then a redirect; the reveal is
the one page that shows an identity, answered to a POST and never cached.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.queries import INT32_MAX
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError, NotFound
from hgkiemtra.denunciations import reveals, service
from hgkiemtra.denunciations.forms import DecisionForm, DenouncerForm, ReasonForm, RevealForm
from hgkiemtra.denunciations.vault import Vault
from hgkiemtra.extensions import login_manager
from hgkiemtra.web.login import current_actor

bp = Blueprint("denunciations", __name__,
               template_folder=str(Path(__file__).parent / "templates"))


@bp.before_request
def _require_login() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    return None


STATUS_LABELS = {"pending": _l("Chờ duyệt"), "approved": _l("Đã duyệt, chưa xem"),
                 "refused": _l("Bị từ chối"), "revealed": _l("Đã xem"),
                 "expired": _l("Hết hiệu lực")}


@bp.app_template_global()
def denouncer_pseudonym(case: Case) -> str | None:
    """For the case page: the pseudonym code of a denunciation's denouncer, or None."""
    row = service.identity_row(case.id) if case.kind == service.DENUNCIATION else None
    return row.pseudonym if row is not None else None


def current_vault() -> Vault:
    return Vault.from_settings(current_app.config["SETTINGS"])


def _ids(*values: int) -> None:
    if any(v > INT32_MAX for v in values):
        raise NotFound(_("Không tìm thấy"))


@bp.get("/cases/<int:case_id>/denouncer")
def show(case_id: int) -> tuple[str, int]:
    _ids(case_id)
    return _page(current_actor(), case_id)


def _page(actor: Actor, case_id: int, request_form: ReasonForm | None = None,
          status: int = 200) -> tuple[str, int]:
    case, row = reveals.case_with_identity(actor, case_id)
    requests = reveals.requests_of(case.id)
    return render_template(
        "denunciations/case_vault.html", case=case,
        code=row.pseudonym, recorded_at=row.created_at, status_labels=STATUS_LABELS,
        requests=requests, shown_status=reveals.shown_status, window=reveals.REVEAL_WINDOW,
        may_decide=reveals.may_decide(actor, case), me=actor.user_id,
        request_form=request_form or ReasonForm(formdata=None),
        decision_form=DecisionForm(formdata=None), reveal_form=RevealForm(formdata=None),
    ), status


@bp.post("/cases/<int:case_id>/denouncer/requests")
def request_reveal(case_id: int) -> Response | tuple[str, int]:
    _ids(case_id)
    actor = current_actor()
    form = ReasonForm()
    if not form.validate_on_submit():
        return _page(actor, case_id, form, 422)
    try:
        reveals.request_reveal(actor, case_id, form.reason.data or "")
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _page(actor, case_id, form, exc.http_status if exc.http_status < 500 else 422)
    db.session.commit()
    flash(_("Đã gửi đề nghị; người giữ khóa sẽ xem xét."), "success")
    return redirect(url_for("denunciations.show", case_id=case_id))


@bp.post("/cases/<int:case_id>/denouncer/requests/<int:request_id>/decision")
def decide(case_id: int, request_id: int) -> Response:
    _ids(case_id, request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Hãy chọn duyệt hoặc từ chối và nêu lý do."), "error")
        return redirect(url_for("denunciations.show", case_id=case_id))
    approve = form.decision.data == "approve"
    reveals.decide(current_actor(), case_id, request_id, approve=approve,
                   reason=form.reason.data or "")
    db.session.commit()
    flash(_("Đã duyệt đề nghị.") if approve else _("Đã từ chối đề nghị."), "success")
    return redirect(url_for("denunciations.show", case_id=case_id))


@bp.post("/cases/<int:case_id>/denouncer/requests/<int:request_id>/reveal")
def reveal(case_id: int, request_id: int) -> Response | str:
    _ids(case_id, request_id)
    if not RevealForm().validate_on_submit():
        flash(_("Hãy đánh dấu ô cam kết trước khi xem."), "error")
        return redirect(url_for("denunciations.show", case_id=case_id))
    actor = current_actor()
    identity = reveals.reveal(actor, case_id, request_id, current_vault())
    case, row = reveals.case_with_identity(actor, case_id)
    db.session.commit()
    return render_template("denunciations/reveal.html", case=case, identity=identity,
                           code=row.pseudonym)


@bp.get("/vault/requests")
def pending() -> str:
    actor = current_actor()
    rows = reveals.pending_for(actor)
    cases = {r.case_id: db.session.get(Case, r.case_id) for r in rows}
    return render_template("denunciations/pending.html", requests=rows, cases=cases)


def record_intake(actor: Actor, case: Case, intake: DenouncerForm | None) -> None:
    """Store what the new-case form's denouncer part holds (nothing when left empty)."""
    identity = intake.identity() if intake is not None else None
    if identity is not None:
        service.record_identity(actor, case, identity, current_vault())
