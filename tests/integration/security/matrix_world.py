"""The data the access matrix runs against: two mirror-image sides.

``district`` (the factories' world: its chair, member, inspector, viewer and a
district-level admin) and ``other`` (the other district: the outsider is its
chair). Each side gets one of every kind of object a URL can name — a case
with a document, a deadline and follow-up actions, a denunciation with a
denouncer and a reveal request, a programme with an item, an issued report, a
custodian — built through the services, and every title, description or
reference it carries holds the side's marker, so a response that leaks
another side's data is found by searching for the marker.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.auth.tokens import create_token
from hgkiemtra.cases import documents
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.outbox import add_message
from hgkiemtra.deadlines.models import Deadline
from hgkiemtra.denunciations import custodians, reveals
from hgkiemtra.denunciations import service as denouncers
from hgkiemtra.exports import service as exports
from hgkiemtra.exports.models import ExportKind
from hgkiemtra.people.models import Organisation, RoleAssignment, User
from hgkiemtra.programmes import service as programmes
from hgkiemtra.reminders.models import SinkMail
from hgkiemtra.reports.issued import issue_report
from hgkiemtra.reports.periods import Period
from hgkiemtra.reports.statistics import StatisticsFilter
from tests import factories as f
from tests.integration.denunciations.conftest import denunciation, identity, vault_of
from tests.integration.followup.conftest import add, concluded

IN_MARKER = "MATRIX-TRONG-PHAM-VI-7Q2"
OUT_MARKER = "MATRIX-NGOAI-PHAM-VI-9K4"
ROLES = ("anonymous", "viewer", "inspector", "committee_member", "chair", "admin", "outsider",
         "site_admin")
# The site admin (admin over the province) may see both districts: for it the
# matrix checks only what holds for everyone (no 5xx, GET changes nothing,
# CSRF), and reaches the site-wide admin pages a district admin is refused.
SEES_ALL = {"site_admin"}


@dataclass
class Side:
    """One organisation's objects; ``ids`` maps a URL placeholder to a value."""

    marker: str
    org: Organisation
    users: dict[str, User]  # chair, member, inspector, viewer, admin
    cases: dict[str, int] = field(default_factory=dict)  # main, denunciation
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Matrix:
    w: f.World
    sides: dict[str, Side]  # "district", "other"
    users: dict[str, User | None]  # by role name
    tokens: dict[str, str]  # API bearer tokens by role name
    jobs: dict[str, int]  # an export job of each role's user
    token_ids: dict[str, int]  # an API token row of each role's user
    site: dict[str, str]  # placeholders that name no organisation's data

    def side_of(self, role: str) -> tuple[Side, Side]:
        """(in scope, out of scope) for ``role``."""
        if role == "outsider":
            return self.sides["other"], self.sides["district"]
        return self.sides["district"], self.sides["other"]


def _other_world(w: f.World) -> dict[str, User]:
    other = w.other_district
    return {"chair": w.outsider,
            "member": f.user([("member", other)], name="Ủy viên Ngã Bảy"),
            "inspector": f.user([("inspector", other)], name="Kiểm tra viên Ngã Bảy"),
            "viewer": f.user([("viewer", other)], name="Người xem Ngã Bảy"),
            "admin": f.user([("admin", other)], name="Quản trị Ngã Bảy")}


def _mirror(w: f.World, users: dict[str, User], org: Organisation) -> f.World:
    """The factories' world seen from ``org``: its users play the district's roles."""
    cell = f.org(f"Chi bộ {org.name}", "cell", f.org(f"Đảng ủy {org.name}", "grassroots", org))
    subject = f.member(cell, "Nguyễn Văn Đối Tượng")
    return f.World(province=w.province, district=org, grassroots=cell.parent, cell=cell,
                   other_district=w.district, subject=subject, chair=users["chair"],
                   committee_member=users["member"], inspector=users["inspector"],
                   viewer=users["viewer"], outsider=w.outsider, admin=users["admin"])


def _side(app: Flask, w: f.World, marker: str) -> Side:
    """Every kind of object of ``w.district``, built through the services."""
    users = {"chair": w.chair, "member": w.committee_member, "inspector": w.inspector,
             "viewer": w.viewer, "admin": w.admin}
    side = Side(marker, w.district, users)
    inspector, chair = Actor.for_user(w.inspector), Actor.for_user(w.chair)
    main = concluded(w, follow_up=True)
    main.title = f"Hồ sơ {marker}"
    side.cases["main"] = main.id
    action = add(w, main, description=f"Khắc phục {marker}")
    storage = app.config["SETTINGS"].STORAGE_DIR
    document = documents.store_document(
        inspector, main.id, filename=f"bien-ban-{marker}.txt",
        stream=io.BytesIO(f"Biên bản {marker}\n".encode()), storage_dir=storage)
    deadline = db.session.scalars(sa.select(Deadline.id).where(Deadline.case_id == main.id)
                                  .order_by(Deadline.id)).first()
    assert deadline is not None, "the concluded case has no deadline to name"
    accused = denunciation(w, title=f"Đơn tố cáo {marker}")
    denouncers.record_identity(inspector, accused, identity(f"Người tố cáo {marker}"),
                               vault_of(app))
    side.cases["denunciation"] = accused.id
    request = reveals.request_reveal(chair, accused.id, f"Cần xác minh thêm {marker}")
    custodian = custodians.designate(Actor.for_user(w.admin), w.chair.id, w.district.id)
    programme = programmes.create_programme(inspector, org_id=w.district.id, year=2027,
                                            kind="combined", title=f"Chương trình {marker}")
    item = programmes.add_item(
        Actor.for_user(w.committee_member), programme.id, case_kind="supervision",
        subject_type="member", subject_id=w.subject.id, content=f"Giám sát {marker}",
        quarter=1, responsible_user_id=w.committee_member.id)
    year = date.today().year - 1
    issued = issue_report(chair, StatisticsFilter(
        Period("year", date(year, 1, 1), date(year + 1, 1, 1)), w.district.id),
        reference=f"01-BC/{marker}", note=marker, today=date.today())
    viewer_role = db.session.scalars(sa.select(RoleAssignment.id).where(
        RoleAssignment.user_id == w.viewer.id)).one()
    side.ids = {
        "action_id": str(action.id), "document_id": str(document.id),
        "deadline_id": str(deadline), "request_id": str(request.id),
        "custodian_id": str(custodian.id), "programme_id": str(programme.id),
        "item_id": str(item.id), "issued_id": str(issued.id), "user_id": str(w.viewer.id),
        "assignment_id": str(viewer_role), "org_id": str(w.grassroots.id),
    }
    return side


def build(app: Flask, session: object) -> Matrix:
    w = f.world()
    site_admin = w.admin
    # The matrix's admin holds the role over the district only, so the other
    # district is out of its scope (the factories' admin covers the province).
    district_admin = f.user([("admin", w.district)], name="Quản trị Vị Thanh")
    w.admin = district_admin
    inside = _side(app, w, IN_MARKER)
    other_users = _other_world(w)
    outside = _side(app, _mirror(w, other_users, w.other_district), OUT_MARKER)
    users: dict[str, User | None] = {
        "anonymous": None, "viewer": w.viewer, "inspector": w.inspector,
        "committee_member": w.committee_member, "chair": w.chair, "admin": district_admin,
        "outsider": w.outsider, "site_admin": site_admin}
    tokens, jobs, token_ids = {}, {}, {}
    for role, user in users.items():
        if user is None:
            continue
        tokens[role] = create_token(user, name=f"matrix {role}")
        token_ids[role] = db.session.scalars(sa.text(
            "SELECT id FROM api_tokens WHERE user_id = :u ORDER BY id DESC LIMIT 1"),
            {"u": user.id}).one()
        jobs[role] = exports.create_case_job(Actor.for_user(user), ExportKind.CASES_CSV.value,
                                             exports.params_to_filters({})).id
    add_message("matrix-outbox-1", "mail", {"subject": "x"}, case_id=inside.cases["main"])
    mail = SinkMail(outbox_key="matrix-sink-1", to_addr="a@example.vn", subject="Thư thử",
                    body_text="Nội dung", body_html="<p>Nội dung</p>")
    db.session.add(mail)
    db.session.flush()
    message_id = db.session.scalars(sa.text("SELECT id FROM outbox_messages ORDER BY id DESC"
                                            " LIMIT 1")).first()
    main = db.session.get(Case, inside.cases["main"])
    assert main is not None
    site = {"mail_id": str(mail.id), "message_id": str(message_id), "day": "2026-09-10",
            "role": "leader", "kind": "merge", "token": "khong-co-ma-nay",
            "event_name": "close", "name": main.workflow_name,
            "version": str(main.workflow_version), "filename": "css/app.css"}
    matrix = Matrix(w, {"district": inside, "other": outside}, users, tokens, jobs, token_ids,
                    site)
    session.commit()  # type: ignore[attr-defined]
    return matrix


def storage_dir(app: Flask) -> Path:
    return Path(app.config["SETTINGS"].STORAGE_DIR)
