"""The team panel (declarations of conflict of interest) and the linked-case panel
of the case page, and the two forms they post.

Each form is also a page of its own (GET), where a refused submission is shown
again with its errors; a successful one returns to the case page.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import declarations, links
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.declarations import TeamLine
from hgkiemtra.cases.links import LinkView
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.team_forms import DeclarationForm, LinkForm
from hgkiemtra.cases.views import bp
from hgkiemtra.cases.views.common import load_case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError, PermissionDenied
from hgkiemtra.people.models import Member, Organisation
from hgkiemtra.web.login import current_actor
from workflows.text import msg

Page = Response | tuple[str, int]
MEMBER_CHOICES_MAX = 300
# A link's name seen from each end: (on the case that opened it, on the case opened).
LINK_LABELS = {
    "spawned_inspection": (_l("Đã mở hồ sơ kiểm tra"), _l("Mở từ đề nghị kiểm tra của")),
    "discipline_of": (_l("Đã mở hồ sơ xem xét kỷ luật"), _l("Xem xét kỷ luật từ hồ sơ")),
    "complaint_about": (_l("Khiếu nại về quyết định này"), _l("Khiếu nại quyết định kỷ luật của")),
    "escalated_to": (_l("Đã chuyển cấp trên giải quyết"), _l("Chuyển từ cấp dưới")),
    "member_case": (_l("Hồ sơ đối với đảng viên có trách nhiệm"),
                    _l("Từ hồ sơ đối với tổ chức đảng")),
    "recheck_of": (_l("Kiểm tra việc thực hiện kết luận"),
                   _l("Kiểm tra việc thực hiện kết luận của")),
    "spawned": (_l("Hồ sơ liên kết"), _l("Hồ sơ gốc")),
}


@dataclass
class TeamPanel:
    lines: list[TeamLine]
    mine: TeamLine | None
    form: DeclarationForm | None

    @property
    def flagged(self) -> list[TeamLine]:
        return [line for line in self.lines if line.needs_attention]


@dataclass
class LinkPanel:
    links: list[LinkView]
    form: LinkForm | None
    offers_members: bool
    visible: set[int]  # linked cases the actor may open (others show their number only)
    labels = LINK_LABELS


def team_panel(actor: Actor, case: Case, form: DeclarationForm | None = None) -> TeamPanel:
    lines = declarations.team_lines(case)
    mine = next((line for line in lines if line.user_id == actor.user_id), None)
    if mine is not None and form is None:
        form = DeclarationForm(formdata=None, data={"version": case.version})
    return TeamPanel(lines, mine, form if mine is not None else None)


def link_panel(actor: Actor, case: Case, form: LinkForm | None = None) -> LinkPanel:
    kinds = [k for k, reason in links.open_options(actor, case, cases.local_today())
             if reason is None]
    offers_members = "member_case" in kinds and case.subject_org is not None
    if kinds:
        form = form or LinkForm(formdata=None, data={"version": case.version})
        members = _member_choices(case.subject_org) \
            if offers_members and case.subject_org is not None else []
        form.fill_choices(kinds, members)
    linked = links.links_of(case.id)
    visible = {v.case.id for v in linked if actor.can_see(v.case.organisation.path)}
    return LinkPanel(linked, form if kinds else None, offers_members, visible)


def _member_choices(org: Organisation) -> list[tuple[int, str]]:
    """(id, "name — organisation") of the members of ``org`` and its subtree, by name
    (``people.queries.members_below``'s list): three columns from one query, not a
    Member object each and a query per organisation."""
    rows = db.session.execute(
        sa.select(Member.id, Member.full_name, Organisation.name)
        .join(Organisation, Organisation.id == Member.org_id)
        .where(Organisation.path.startswith(org.path, autoescape=True))
        .order_by(Member.search_name, Member.id)
        .limit(MEMBER_CHOICES_MAX)
    )
    return [(member_id, f"{name} — {org_name}") for member_id, name, org_name in rows]


@bp.route("/cases/<int:case_id>/declaration", methods=["GET", "POST"])
def declaration(case_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    panel = team_panel(actor, case, DeclarationForm() if request.method == "POST" else None)
    if panel.form is None:
        raise PermissionDenied(msg("Chỉ thành viên đoàn kiểm tra của hồ sơ mới khai báo xung đột "
                                   "lợi ích"))
    if request.method == "GET":
        return render_template("cases/declaration.html", case=case, team=panel), 200
    if panel.form.validate_on_submit():
        try:
            declarations.declare(actor, case.id, has_conflict=panel.form.has_conflict.data == "yes",
                                 statement=panel.form.statement.data or "",
                                 expected_version=panel.form.version.data)
        except DomainError as exc:
            db.session.rollback()
            panel.form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Đã ghi nhận khai báo xung đột lợi ích."), "success")
            return redirect(url_for("cases.show", case_id=case.id, _anchor="team"))
    return render_template("cases/declaration.html", case=case, team=panel), 422


@bp.route("/cases/<int:case_id>/links", methods=["GET", "POST"])
def open_linked(case_id: int) -> Page:
    actor = current_actor()
    case = load_case(actor, case_id)
    panel = link_panel(actor, case, LinkForm() if request.method == "POST" else None)
    if panel.form is None:
        flash(_("Hồ sơ này hiện không mở được hồ sơ liên kết nào."), "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    if request.method == "GET":
        return render_template("cases/link_new.html", case=case, link_panel=panel), 200
    form = panel.form
    if form.validate_on_submit():
        try:
            opened = links.open_linked(
                actor, case.id, form.kind.data, note=form.note.data or "",
                target_kind=form.target_kind.data if form.kind.data == "member_case" else None,
                subject_member_ids=form.member_id_values()
                if form.kind.data == "member_case" else (),
                expected_version=form.version.data)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Đã mở %(n)d hồ sơ liên kết: %(refs)s.", n=len(opened),
                    refs=", ".join(c.reference for c in opened)), "success")
            return redirect(url_for("cases.show", case_id=case.id, _anchor="links"))
    return render_template("cases/link_new.html", case=case, link_panel=panel), 422
