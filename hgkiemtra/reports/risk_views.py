"""The risk ranking page (/reports/risk) and its weights (site admins edit them).

Thin views: read the filters, call ``risk.rank``, render. The weights form
posts to one view that calls ``risk.set_weight`` per value and commits once.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from hgkiemtra.admin.access import is_site_admin, require_site_admin
from hgkiemtra.cases.service import local_today
from hgkiemtra.cases.views.common import org_choices, orgs_in_scope
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.core.replica import ReadStatus
from hgkiemtra.extensions import login_manager
from hgkiemtra.people.models import Organisation
from hgkiemtra.reports import risk, risk_text
from hgkiemtra.reports.reading import read_report
from hgkiemtra.web.forms import Form, PostOnlyForm, options
from hgkiemtra.web.login import current_actor

bp = Blueprint("risk", __name__, template_folder=str(Path(__file__).parent / "templates"))


@bp.before_request
def _require_login() -> Response | None:
    if not current_user.is_authenticated:
        response: Response = login_manager.unauthorized()
        return response
    return None


class RiskFilterForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    level = SelectField(_l("Cấp tổ chức"), choices=[], default=risk.DEFAULT_LEVEL)
    org_id = SelectField(_l("Trong tổ chức (cả cấp dưới)"), choices=[], default="")
    years = IntegerField(_l("Số năm xét"), validators=[Optional(), NumberRange(min=1, max=10)])


def weights_form_class() -> type[Form]:
    attrs: dict[str, Any] = {
        name: IntegerField(_l(label), validators=[InputRequired(), NumberRange(low, high)])
        for name, (label, low, high) in risk.WEIGHT_LABELS.items()
    }
    return type("RiskWeightsForm", (Form,), attrs)


def _filters() -> RiskFilterForm:
    actor = current_actor()
    form = RiskFilterForm(request.args)
    form.level.choices = options((k, str(v)) for k, v in risk_text.LEVEL_LABELS.items())
    orgs = [o for o in orgs_in_scope(actor, local_today()) if o.level != "cell"]
    form.org_id.choices = options([("", _("Tất cả trong phạm vi")),
                                   *org_choices(actor, orgs=orgs)])
    form.validate()
    return form


def plan_url(row: risk.RiskRow) -> str | None:
    """The new-case form prefilled: an inspection on signs of violation of this organisation."""
    if row.plan_owner_id is None:
        return None
    org: Organisation = row.org
    return url_for("cases.new_case", kind=risk.PLAN_KIND, org_id=row.plan_owner_id,
                   subject_type="organisation", subject_q=org.name, subject_id=org.id,
                   title=_("Kiểm tra khi có dấu hiệu vi phạm: %(org)s", org=org.name))


@bp.get("/reports/risk")
def ranking() -> tuple[str, int]:
    form = _filters()
    level = form.level.data if not form.level.errors and form.level.data else risk.DEFAULT_LEVEL
    org_id = form.org_id.data if not form.org_id.errors and form.org_id.data else None
    years = form.years.data if not form.years.errors else None
    result, replica = read_report(lambda: risk.rank(
        current_actor(), local_today(), level=level, org_id=int(org_id) if org_id else None,
        years=years))
    return _page(form, result, replica=replica)


def _page(form: RiskFilterForm, result: risk.Ranking, weights_form: Form | None = None,
          status: int = 200, replica: ReadStatus | None = None) -> tuple[str, int]:
    actor = current_actor()
    if weights_form is None and is_site_admin(actor):
        weights_form = weights_form_class()(formdata=None, data=asdict(result.weights))
    return render_template(
        "reports/risk.html", form=form, result=result, plan_url=plan_url,
        explain=risk_text.explain, signal_labels=risk_text.SIGNAL_LABELS,
        weight_label=risk_text.weight_label, weights_form=weights_form,
        defaults=asdict(risk.Weights()), weight_items=asdict(result.weights).items(),
        reset_form=PostOnlyForm(), replica=replica,
    ), status


@bp.post("/reports/risk/weights")
def save_weights() -> Response | tuple[str, int]:
    actor = current_actor()
    require_site_admin(actor)
    form = weights_form_class()()
    if form.validate_on_submit():
        try:
            for name in risk.WEIGHT_LABELS:
                risk.set_weight(actor, name, int(form[name].data))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Đã lưu trọng số xếp hạng rủi ro."), "success")
            return redirect(url_for("risk.ranking"))
    page: tuple[str, int] = _page(_filters(), risk.rank(actor, local_today()), form, 422)
    return page


@bp.post("/reports/risk/weights/reset")
def reset_weights() -> Response:
    if PostOnlyForm().validate_on_submit():
        risk.reset_weights(current_actor())
        db.session.commit()
        flash(_("Đã trả trọng số về mặc định."), "success")
    return redirect(url_for("risk.ranking"))
