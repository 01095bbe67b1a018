"""Writing programmes, their items and annual targets; who may do what.

Who: committee staff (chair, committee member, inspector) over the
organisation draft a programme and add items; only a chair of that very
organisation approves it (the committee adopts its own programme); once
approved, only such a chair adds an item (an amendment) and no item is
removed. Targets are set by a chair over the organisation or an admin
covering it. Functions flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.core.db import db, utcnow
from hgkiemtra.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from hgkiemtra.people.models import Member, Organisation, RoleAssignment, User
from hgkiemtra.programmes.models import (
    PLANNED_KINDS,
    AnnualTarget,
    Programme,
    ProgrammeItem,
    ProgrammeKind,
    ProgrammeStatus,
)
from workflows import registry
from workflows.engine import Role
from workflows.text import msg

WRITER_ROLES = frozenset({Role.CHAIR, Role.MEMBER, Role.INSPECTOR})
TARGET_ROLES = frozenset({Role.CHAIR, Role.ADMIN})
RESPONSIBLE_ROLES = (Role.CHAIR.value, Role.MEMBER.value)
MIN_YEAR, MAX_YEAR = 2000, 2100
INT32_MAX = 2**31 - 1


# --- access ------------------------------------------------------------------------------

def can_write(actor: Actor, org: Organisation) -> bool:
    return bool(actor.roles_for(org.path) & WRITER_ROLES)


def is_chair_of(actor: Actor, org: Organisation) -> bool:
    """A chair role held over this very organisation (its committee's chair)."""
    return any(role is Role.CHAIR and path == org.path for role, path in actor.scopes)


def can_set_target(actor: Actor, org: Organisation) -> bool:
    return bool(actor.roles_for(org.path) & TARGET_ROLES)


def visible_org(actor: Actor, org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id) if 0 < org_id <= INT32_MAX else None
    if org is None or not actor.can_see(org.path):
        raise ValidationFailed(
            msg("Không có tổ chức đảng mã số {org_id} trong phạm vi của bạn", org_id=org_id),
            {"field": "org_id"},
        )
    return org


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            msg("Năm phải từ {min_year} đến {max_year}", min_year=MIN_YEAR, max_year=MAX_YEAR),
            {"field": "year"},
        )
    return year


# --- reading -----------------------------------------------------------------------------

def get_programme(actor: Actor, programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id) if 0 < programme_id <= INT32_MAX else None
    if programme is None or not actor.can_see(programme.organisation.path):
        raise NotFound(msg("Không tìm thấy chương trình {programme_id}", programme_id=programme_id))
    return programme


def get_item(actor: Actor, programme_id: int, item_id: int) -> ProgrammeItem:
    programme = get_programme(actor, programme_id)
    item = db.session.get(ProgrammeItem, item_id) if 0 < item_id <= INT32_MAX else None
    if item is None or item.programme_id != programme.id:
        raise NotFound(
            msg(
                "Không tìm thấy mục {item_id} của chương trình {programme_id}",
                item_id=item_id,
                programme_id=programme_id,
            )
        )
    return item


def list_programmes(actor: Actor, *, year: int | None = None,
                    org_id: int | None = None) -> list[Programme]:
    """Programmes in scope; ``org_id`` keeps that organisation's subtree."""
    stmt = sa.select(Programme).join(Organisation, Organisation.id == Programme.org_id).where(
        actor.visible_org_filter(Programme.org_id))
    if year is not None:
        stmt = stmt.where(Programme.year == year)
    if org_id is not None:
        root = visible_org(actor, org_id)
        stmt = stmt.where(Organisation.path.startswith(root.path, autoescape=True))
    stmt = stmt.order_by(Programme.year.desc(), Organisation.path, Programme.kind)
    return list(db.session.execute(stmt).scalars())


def list_targets(actor: Actor, *, year: int | None = None,
                 org_id: int | None = None) -> list[AnnualTarget]:
    stmt = sa.select(AnnualTarget).join(Organisation, Organisation.id == AnnualTarget.org_id).where(
        actor.visible_org_filter(AnnualTarget.org_id))
    if year is not None:
        stmt = stmt.where(AnnualTarget.year == year)
    if org_id is not None:
        root = visible_org(actor, org_id)
        stmt = stmt.where(Organisation.path.startswith(root.path, autoescape=True))
    return list(db.session.execute(
        stmt.order_by(AnnualTarget.year.desc(), Organisation.path)).scalars())


def responsible_candidates(org: Organisation) -> list[User]:
    """Active chairs and committee members of this organisation's committee."""
    stmt = (
        sa.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.is_active.is_(True), RoleAssignment.org_id == org.id,
               RoleAssignment.role.in_(RESPONSIBLE_ROLES))
        .order_by(User.full_name, User.id).distinct()
    )
    return list(db.session.execute(stmt).scalars())


# --- programmes --------------------------------------------------------------------------

def create_programme(actor: Actor, *, org_id: int, year: int, kind: str, title: str,
                     now: datetime | None = None) -> Programme:
    org = visible_org(actor, org_id)
    if not can_write(actor, org):
        raise PermissionDenied(msg("Vai trò của bạn không được lập chương trình của tổ chức này"))
    if kind not in set(ProgrammeKind):
        raise ValidationFailed(
            msg("Loại chương trình phải là inspection, supervision hoặc combined"),
            {"field": "kind"},
        )
    title = title.strip()
    if not title or len(title) > 300:
        raise ValidationFailed(msg("Tên chương trình là bắt buộc (tối đa 300 ký tự)"),
                               {"field": "title"})
    _year(year)
    taken = db.session.scalar(sa.select(Programme.id).where(
        Programme.org_id == org.id, Programme.year == year, Programme.kind == kind))
    if taken is not None:
        raise ValidationFailed(msg("Tổ chức này đã có chương trình cùng loại cho năm này"),
                               {"field": "kind", "programme_id": taken})
    programme = Programme(org_id=org.id, organisation=org, year=year, kind=kind, title=title,
                          status=ProgrammeStatus.DRAFT.value, created_by_id=actor.user_id,
                          created_at=now or utcnow())
    _insert(programme, msg("Tổ chức này đã có chương trình cùng loại cho năm này"))
    return programme


def approve_programme(actor: Actor, programme_id: int, now: datetime | None = None) -> Programme:
    programme = get_programme(actor, programme_id)
    if not is_chair_of(actor, programme.organisation):
        raise PermissionDenied(msg("Chỉ Chủ nhiệm Ủy ban Kiểm tra của tổ chức này được phê duyệt "
                                   "chương trình"))
    if programme.is_approved:
        raise ValidationFailed(msg("Chương trình đã được phê duyệt"))
    if not programme.items:
        raise ValidationFailed(msg("Chương trình chưa có mục nào"))
    programme.status = ProgrammeStatus.APPROVED.value
    programme.approved_by_id = actor.user_id
    programme.approved_at = now or utcnow()
    db.session.flush()
    return programme


# --- items -------------------------------------------------------------------------------

def add_item(actor: Actor, programme_id: int, *, case_kind: str, subject_type: str,
             subject_id: int, content: str, quarter: int, responsible_user_id: int,
             now: datetime | None = None) -> ProgrammeItem:
    programme = get_programme(actor, programme_id)
    org = programme.organisation
    allowed = is_chair_of(actor, org) if programme.is_approved else can_write(actor, org)
    if not allowed:
        raise PermissionDenied(
            msg("Chỉ Chủ nhiệm Ủy ban Kiểm tra của tổ chức được bổ sung chương trình đã phê "
                "duyệt")
            if programme.is_approved else msg("Vai trò của bạn không được sửa chương trình này"))
    kinds = PLANNED_KINDS[programme.kind]
    if case_kind not in kinds:
        raise ValidationFailed(
            msg("Chương trình này chỉ lập các loại hồ sơ: {kinds}", kinds=", ".join(kinds)),
            {"field": "case_kind", "allowed": list(kinds)},
        )
    if not 1 <= quarter <= 4:
        raise ValidationFailed(msg("Quý phải từ 1 đến 4"), {"field": "quarter"})
    content = content.strip()
    if not content or len(content) > 500:
        raise ValidationFailed(msg("Nội dung là bắt buộc (tối đa 500 ký tự)"), {"field": "content"})
    member, subject_org = _subject(case_kind, org, subject_type, subject_id)
    item = ProgrammeItem(
        programme=programme, case_kind=case_kind, subject_type=subject_type,
        subject_member=member, subject_org=subject_org, content=content, quarter=quarter,
        responsible=_responsible(org, responsible_user_id), created_by_id=actor.user_id,
        created_at=now or utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def remove_item(actor: Actor, programme_id: int, item_id: int) -> None:
    item = get_item(actor, programme_id, item_id)
    if item.programme.is_approved or item.case_id is not None:
        raise ValidationFailed(msg("Chỉ xóa được mục của chương trình chưa phê duyệt"))
    if not can_write(actor, item.programme.organisation):
        raise PermissionDenied(msg("Vai trò của bạn không được sửa chương trình này"))
    item.programme.items.remove(item)
    db.session.flush()


def _subject(case_kind: str, org: Organisation, subject_type: str,
             subject_id: int) -> tuple[Member | None, Organisation | None]:
    """The subject, checked as opening the case will check it (in the subtree,
    a type the workflow accepts), so a bad item is refused now, not in a quarter."""
    subjects = registry.for_kind(case_kind).subjects
    in_range = 0 < subject_id <= INT32_MAX
    if subject_type == "member" and subjects.member:
        member = db.session.get(Member, subject_id) if in_range else None
        if member is None or not member.organisation.path.startswith(org.path):
            raise ValidationFailed(msg("Đảng viên không thuộc tổ chức hoặc cấp dưới"),
                                   {"field": "subject"})
        return member, None
    if subject_type == "organisation" and subjects.organisation:
        subject = db.session.get(Organisation, subject_id) if in_range else None
        if subject is None or not subject.path.startswith(org.path):
            raise ValidationFailed(msg("Tổ chức là đối tượng phải thuộc tổ chức hoặc cấp dưới"),
                                   {"field": "subject"})
        return None, subject
    raise ValidationFailed(msg("Loại hồ sơ này không áp dụng cho loại đối tượng đã chọn"),
                           {"field": "subject"})


def _responsible(org: Organisation, user_id: int) -> User:
    if not any(u.id == user_id for u in responsible_candidates(org)):
        raise ValidationFailed(
            msg("Người phụ trách phải là Chủ nhiệm hoặc Ủy viên Ủy ban Kiểm tra của tổ chức"),
            {"field": "responsible_user_id"})
    user = db.session.get(User, user_id)
    assert user is not None
    return user


# --- targets -----------------------------------------------------------------------------

def set_target(actor: Actor, *, org_id: int, year: int, supervised_share: int,
               inspected_share: int, now: datetime | None = None) -> AnnualTarget:
    """Create or replace the organisation's target for the year."""
    org = visible_org(actor, org_id)
    if not can_set_target(actor, org):
        raise PermissionDenied(
            msg("Chỉ Chủ nhiệm Ủy ban Kiểm tra hoặc quản trị viên được đặt chỉ tiêu")
        )
    _year(year)
    for name, value in (("supervised_share", supervised_share),
                        ("inspected_share", inspected_share)):
        if not 0 <= value <= 100:
            raise ValidationFailed(msg("Tỷ lệ phải từ 0 đến 100 (%)"), {"field": name})
    target = db.session.execute(
        sa.select(AnnualTarget).where(AnnualTarget.org_id == org.id, AnnualTarget.year == year)
        .with_for_update(of=AnnualTarget)).scalar_one_or_none()
    if target is None:
        target = AnnualTarget(org_id=org.id, organisation=org, year=year)
    target.supervised_share = supervised_share
    target.inspected_share = inspected_share
    target.updated_by_id = actor.user_id
    target.updated_at = now or utcnow()
    if target.id is None:
        _insert(target, msg("Chỉ tiêu vừa được người khác đặt; hãy tải lại và thử lại"))
    db.session.flush()
    return target


def _insert(row: Programme | AnnualTarget, taken: str) -> None:
    """Add a row under a unique key inside a savepoint: a concurrent insert of
    the same key answers a clear error instead of breaking the transaction."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise VersionConflict(taken) from None
