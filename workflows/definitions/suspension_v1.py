"""Suspension of Party activity (đình chỉ sinh hoạt đảng), v1.

Type J (domain.md §2.9, §4 [S39, S39b]). Grounds (QĐ 22 art. 28): to stop
obstruction of the inquiry or a worsening of the violation; serious signs of
violation with deliberate obstruction; indictment or detention. Time limits
(QĐ 22 art. 31): 90 days, extendable to 180 in all for a member; an
organisation at most 90 days, without extension; counted in working days
under QĐ 30 [S39b]; in criminal cases the term follows the legal procedure.
Suspension from Party activity also suspends committee membership. The
limits come from the discipline rule set in force on the suspension's
first day (``rule_set_on``); the QĐ 296 values are unconfirmed.
"""

from __future__ import annotations

from types import MappingProxyType

from workflows import discipline
from workflows.definitions._common import CHAIR, COMMITTEE, QD22_FROM, day, text
from workflows.discipline import Limit, Param
from workflows.engine import (
    DeadlineRule,
    EventDef,
    FieldSpec,
    Phase,
    StateDef,
    WorkflowDefinition,
)
from workflows.proceedings import extension_within_maximum, suspension_term_over

_SETS = {r.key: r for r in discipline.RULE_SETS}


def _rule(name: str, label: str, param: str, *, due_field: str | None = None,
          minus: str | None = None) -> DeadlineRule:
    """A rule whose default is QĐ 22's value, with QĐ 30's as its per-rule-set value."""

    def terms(key: str) -> Limit:
        value: Param[Limit] = getattr(_SETS[key], param)
        if minus is None:
            return value.value
        less: Param[Limit] = getattr(_SETS[key], minus)
        return Limit(value.value.amount - less.value.amount, value.value.unit)

    qd22, qd30 = terms("qd22"), terms("qd30")
    citation = (f"{getattr(_SETS['qd22'], param).citation}; QĐ 30: ngày làm việc [S39b]; "
                "QĐ 296: chưa xác nhận (domain.md §2.9, §4)")
    return DeadlineRule(name, label, qd22.amount, qd22.unit, citation, is_confirmed=False,
                        due_date_field=due_field,
                        by_rule_set=MappingProxyType({"qd30": (qd30.amount, qd30.unit)}))


TERM = _rule("suspension", "Hết thời hạn đình chỉ (90 ngày)", "suspension")
EXTENDED_TERM = _rule("suspension_extended", "Hết thời hạn đình chỉ đã gia hạn (tổng tối đa "
                      "180 ngày)", "suspension_max", due_field="extended_until",
                      minus="suspension")
GROUNDS = (
    ("obstruction", "Ngăn chặn cản trở việc kiểm tra, xem xét, hoặc vi phạm tiếp tục nghiêm "
                    "trọng hơn"),
    ("serious_with_obstruction", "Dấu hiệu vi phạm nghiêm trọng, cố tình cản trở"),
)
CRIMINAL_GROUNDS = (("indicted", "Bị truy tố"), ("detained", "Bị tạm giam"))
SUSPENDED = ("suspended", "extended", "suspended_criminal")

STATES = (
    StateDef("proposed", Phase.PLANNED, "Đề nghị đình chỉ sinh hoạt đảng"),
    StateDef("suspended", Phase.UNDERWAY, "Đang đình chỉ sinh hoạt đảng (và sinh hoạt cấp ủy)",
             deadlines=(TERM,)),
    StateDef("extended", Phase.UNDERWAY, "Đang đình chỉ (đã gia hạn)",
             deadlines=(EXTENDED_TERM,)),
    StateDef("suspended_criminal", Phase.UNDERWAY,
             "Đang đình chỉ: bị truy tố, tạm giam (thời hạn theo thủ tục tố tụng)"),
    StateDef("lifted", Phase.CLOSED, "Chấm dứt đình chỉ"),
    StateDef("expired", Phase.CLOSED, "Hết thời hạn đình chỉ"),
    StateDef("cancelled", Phase.CLOSED, "Đã hủy"),
)

EVENTS = (
    EventDef("suspend", ("proposed",), "suspended", "Quyết định đình chỉ sinh hoạt đảng",
             COMMITTEE, fields=(
                 FieldSpec("ground", "choice", "Căn cứ đình chỉ", choices=GROUNDS),
                 text("decision_number", "Số quyết định đình chỉ"),
                 day("suspended_from", "Đình chỉ từ ngày"))),
    EventDef("suspend_criminal", ("proposed",), "suspended_criminal",
             "Quyết định đình chỉ (bị truy tố, tạm giam)", COMMITTEE, fields=(
                 FieldSpec("ground", "choice", "Căn cứ đình chỉ", choices=CRIMINAL_GROUNDS),
                 text("decision_number", "Số quyết định đình chỉ"),
                 day("suspended_from", "Đình chỉ từ ngày"))),
    EventDef("extend", ("suspended",), "extended", "Gia hạn đình chỉ", COMMITTEE,
             guards=(extension_within_maximum,), fields=(
                 day("extended_until", "Gia hạn đến hết ngày"),
                 text("extension_decision_number", "Số quyết định gia hạn"))),
    EventDef("expire", ("suspended", "extended"), "expired", "Kết thúc: hết thời hạn đình chỉ",
             COMMITTEE, guards=(suspension_term_over,)),
    EventDef("lift", SUSPENDED, "lifted", "Chấm dứt đình chỉ trước thời hạn", COMMITTEE,
             requires_note=True),
    EventDef("cancel", ("proposed",), "cancelled", "Hủy đề nghị", CHAIR, requires_note=True),
)

DEFINITION = WorkflowDefinition(
    name="suspension",
    version=1,
    kind="suspension",
    title="Đình chỉ sinh hoạt đảng",
    initial="proposed",
    states=STATES,
    events=EVENTS,
    citation="QĐ 22-QĐ/TW điều 28–31 [S39]; QĐ 30 [S39b]; QĐ 296: chưa xác nhận "
             "(domain.md §2.9, §4)",
    in_force_from=QD22_FROM,
)
