"""Checking what a follow-up action says: kind, text, owner, due date, amounts in VND."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import ValidationFailed
from hgkiemtra.followup.models import KINDS, FollowUpAction
from hgkiemtra.people.models import Organisation, User
from workflows.text import msg

MAX_VND = 10**15  # a thousand trillion đồng: anything larger is a typing slip
MAX_TEXT = 4000
MAX_YEARS_AHEAD = 10


@dataclass(frozen=True)
class ActionInput:
    """What an action says: the same for adding and editing."""

    kind: str
    description: str
    due_on: date
    owner_user_id: int | None = None
    owner_org_id: int | None = None
    amount_vnd: int | None = None


def validated(case: Case, given: ActionInput, today: date, *,
               keep_due_on: date | None = None) -> dict[str, Any]:
    if given.kind not in KINDS:
        raise ValidationFailed(msg("Loại việc phải là một trong: {kinds}", kinds=', '.join(KINDS)),
                               {"field": "kind"})
    _check_due_on(given.due_on, today, keep_due_on)
    return {
        "kind": given.kind,
        "description": text(given.description, "description", msg("nội dung việc phải thực hiện")),
        "due_on": given.due_on,
        "owner_user_id": _owner_user(case, given.owner_user_id),
        "owner_org_id": _owner_org(case, given.owner_org_id, given.owner_user_id),
        "amount_vnd": _amount(given.kind, given.amount_vnd),
    }


def _check_due_on(due_on: date, today: date, keep: date | None) -> None:
    if due_on == keep:
        return  # an unchanged date may have passed meanwhile
    if due_on < today:
        raise ValidationFailed(
            msg("Hạn thực hiện không được trước ngày hôm nay"), {"field": "due_on"}
        )
    if due_on > today + timedelta(days=366 * MAX_YEARS_AHEAD):
        raise ValidationFailed(
            msg(
                "Hạn thực hiện quá xa (tối đa {max_years_ahead} năm)",
                max_years_ahead=MAX_YEARS_AHEAD,
            ),
            {"field": "due_on"},
        )


def _owner_user(case: Case, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    path = case.organisation.path
    # The owner works in the case's organisation tree: above it, at it or below it.
    if user is None or not user.is_active or not any(
            path.startswith(r.organisation.path) or r.organisation.path.startswith(path)
            for r in user.roles):
        raise ValidationFailed(
            msg("Không có người dùng mã số {user_id} trong tổ chức của hồ sơ", user_id=user_id),
            {"field": "owner_user_id"},
        )
    return user_id


def _owner_org(case: Case, org_id: int | None, user_id: int | None) -> int | None:
    if org_id is None:
        if user_id is None:
            raise ValidationFailed(msg("Cần ghi người hoặc tổ chức chịu trách nhiệm thực hiện"),
                                   {"field": "owner_org_id"})
        return None
    org = db.session.get(Organisation, org_id)
    if org is None or not org.path.startswith(case.organisation.path):
        raise ValidationFailed(
            msg(
                "Tổ chức mã số {org_id} không thuộc tổ chức quản lý hồ sơ hoặc cấp dưới",
                org_id=org_id,
            ),
            {"field": "owner_org_id"},
        )
    return org_id


def _amount(kind: str, amount: Any) -> int | None:
    if kind != "recovery":
        if amount is not None:
            raise ValidationFailed(msg("Chỉ việc thu hồi tiền mới ghi số tiền"),
                                   {"field": "amount_vnd"})
        return None
    if amount is None:
        raise ValidationFailed(
            msg("Việc thu hồi tiền cần ghi số tiền (đồng)"), {"field": "amount_vnd"}
        )
    return _vnd(amount, "amount_vnd", minimum=1)


def recovered_amount(action: FollowUpAction, recovered: Any) -> int | None:
    if action.kind != "recovery":
        if recovered is not None:
            raise ValidationFailed(msg("Chỉ việc thu hồi tiền mới ghi số tiền đã thu hồi"),
                                   {"field": "recovered_vnd"})
        return None
    if recovered is None:
        raise ValidationFailed(msg("Cần ghi số tiền đã thu hồi (đồng)"), {"field": "recovered_vnd"})
    value = _vnd(recovered, "recovered_vnd", minimum=1)
    if action.amount_vnd is not None and value > action.amount_vnd:
        raise ValidationFailed(
            msg(
                "Số tiền đã thu hồi vượt số phải thu hồi ({amount})",
                amount=format_vnd(action.amount_vnd),
            ),
            {"field": "recovered_vnd"},
        )
    return value


def _vnd(value: Any, field: str, *, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed(msg("Số tiền phải là số nguyên (đồng)"), {"field": field})
    if value < minimum:
        raise ValidationFailed(
            msg("Số tiền phải từ {minimum} đồng trở lên", minimum=minimum), {"field": field}
        )
    if value > MAX_VND:
        raise ValidationFailed(
            msg("Số tiền vượt quá giới hạn {maximum}", maximum=format_vnd(MAX_VND)),
            {"field": field},
        )
    return value


def text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(msg("Cần ghi {label}", label=label), {"field": field})
    if len(value) > MAX_TEXT:
        raise ValidationFailed(
            msg("{label} dài quá {max_text} ký tự", label=label.capitalize(), max_text=MAX_TEXT),
            {"field": field},
        )
    return value



def format_vnd(amount: int | None) -> str:
    """1500000 -> '1.500.000 ₫' (Vietnamese digit grouping, in either language)."""
    return "" if amount is None else f"{amount:,}".replace(",", ".") + " ₫"
