"""Considering and enforcing discipline (thi hành kỷ luật), v1.

Type I (domain.md §2.8, §3, §4): the subject's self-criticism report (bản tự
kiểm điểm); the competent body's representative hears the member (QĐ 296
art. 12.1 [S4, item 33]; in absentia after repeated unexcused absence, art.
12.2.1); the meeting concludes on the violation; a secret ballot listing all
forms is counted with ``discipline.count_votes`` (majority of the full
membership, 2/3 of a cell to propose expulsion, cumulative counting; §3.3).
The recorded facts then allow one branch: decide (a form adopted, within
the body's authority — ``discipline.can_decide`` — and within the
limitation period), propose to the competent level (beyond authority, or a
cell's expulsion vote short of 2/3), concluded but not enforced (limitation
run, checked after the vote, §3.4 [S52]) or no form adopted. A decision is
announced and takes effect (a cell's when the result is announced, QĐ 296
art. 15.2); the complaint window runs one month (Điều lệ art. 39(7)); a
decision other than expulsion or dissolution lapses after its effect period
(QĐ 22 art. 16(10); QĐ 296 unconfirmed, §3.6). A complaint opens a linked
complaint case. Consideration is deferred for pregnancy, a child under 12
months or serious illness (QĐ 296 art. 8(7) [S4, item 68]).
"""

from __future__ import annotations

from workflows import discipline
from workflows.calendar import Unit
from workflows.definitions._common import (
    BODY_KIND_CHOICES,
    CHAIR,
    COMMITTEE,
    FORM_CHOICES,
    LEVEL_CHOICES,
    QD22_FROM,
    STAFF,
    day,
    flag,
    text,
)
from workflows.definitions._inspection import ATTENDANCE
from workflows.engine import (
    DeadlineRule,
    EventDef,
    FieldSpec,
    Phase,
    StateDef,
    WorkflowDefinition,
)
from workflows.guards import form_fits_subject
from workflows.proceedings import (
    VOTE_FIELDS,
    adopted_within_authority,
    ballot_valid,
    beyond_authority,
    decision_lapsed,
    deferral_ended,
    deferral_grounds,
    derive_vote,
    form_is_adopted,
    form_lapses,
    form_permanent,
    limitation_expired,
    nothing_adopted,
)

_QD22 = next(r for r in discipline.RULE_SETS if r.key == "qd22")
_WINDOW = _QD22.complaint_window
COMPLAINT_WINDOW = DeadlineRule(
    "complaint_window", "Hết thời hạn khiếu nại (một tháng kể từ ngày nhận quyết định)",
    _WINDOW.value.amount, _WINDOW.value.unit, _WINDOW.citation, is_confirmed=True,
)
EFFECT_PERIOD = DeadlineRule(
    "effect_period", "Quyết định hết hiệu lực nếu không khiếu nại, không vi phạm mới",
    12 * (_QD22.decision_effect_years.value or 1), Unit.MONTHS,
    "QĐ 22 điều 16(10): một năm kể từ ngày công bố (domain.md §3.6; phụ lục dòng 6-1); QĐ 30 "
    "điều 40(3.2) (dòng 6-2); QĐ 296 điều 15: chưa xác nhận (dòng 6-3)",
    is_confirmed=False,
)
BEFORE_VOTE = ("opened", "self_criticism", "heard", "concluded")

STATES = (
    StateDef("opened", Phase.PLANNED, "Đề nghị xem xét kỷ luật"),
    StateDef("deferred", Phase.PLANNED,
             "Chưa xem xét kỷ luật (mang thai, nuôi con dưới 12 tháng, bệnh nặng)"),
    StateDef("self_criticism", Phase.UNDERWAY, "Đối tượng làm bản tự kiểm điểm"),
    StateDef("heard", Phase.UNDERWAY, "Đã nghe đối tượng trình bày ý kiến"),
    StateDef("concluded", Phase.FINDINGS,
             "Hội nghị kết luận nội dung, tính chất, mức độ, nguyên nhân vi phạm"),
    StateDef("voted", Phase.DISCIPLINE, "Đã biểu quyết bằng phiếu kín"),
    StateDef("decided", Phase.DISCIPLINE, "Đã ban hành quyết định kỷ luật"),
    StateDef("in_effect", Phase.FOLLOW_UP, "Đã công bố; quyết định có hiệu lực",
             deadlines=(COMPLAINT_WINDOW, EFFECT_PERIOD)),
    StateDef("in_effect_permanent", Phase.FOLLOW_UP, "Đã công bố quyết định khai trừ, giải tán",
             deadlines=(COMPLAINT_WINDOW,)),
    StateDef("under_complaint", Phase.FOLLOW_UP,
             "Đang giải quyết khiếu nại (hồ sơ liên kết); quyết định vẫn được chấp hành"),
    StateDef("closed", Phase.CLOSED, "Kết thúc, lưu hồ sơ"),
    StateDef("lapsed", Phase.CLOSED, "Quyết định kỷ luật hết hiệu lực"),
    StateDef("no_discipline", Phase.CLOSED, "Không hình thức nào đủ số phiếu: không kỷ luật"),
    StateDef("not_enforced", Phase.CLOSED, "Kết luận vi phạm, không thi hành (hết thời hiệu)"),
    StateDef("proposed_to_competent", Phase.CLOSED, "Đề nghị cấp có thẩm quyền quyết định"),
    StateDef("cancelled", Phase.CLOSED, "Đã hủy"),
)

_VOTE_LABELS = {"expulsion": "khai trừ", "dissolution": "giải tán", "removal": "cách chức",
                "warning": "cảnh cáo", "reprimand": "khiển trách", "none": "không kỷ luật"}
VOTE_EVENT_FIELDS = (
    day("voted_on", "Ngày biểu quyết"),
    FieldSpec("members_total", "integer", "Tổng số thành viên (cơ sở tính phiếu)"),
    FieldSpec("members_official", "integer", "Số thành viên chính thức được triệu tập",
              required=False),
    FieldSpec("members_transferred", "integer", "Số chuyển sinh hoạt tạm thời", required=False),
    FieldSpec("members_excused_absent", "integer", "Số được miễn sinh hoạt và vắng mặt",
              required=False),
    *(FieldSpec(name, "integer", f"Số phiếu {_VOTE_LABELS[form]}", required=False)
      for name, form in VOTE_FIELDS),
    FieldSpec("body_level", "choice", "Cấp của cơ quan biểu quyết", choices=LEVEL_CHOICES),
    FieldSpec("body_kind", "choice", "Cơ quan biểu quyết", choices=BODY_KIND_CHOICES),
    flag("body_can_admit_members", "Đảng ủy cơ sở được ủy quyền kết nạp đảng viên"),
    FieldSpec("violation_domain", "choice", "Lĩnh vực vi phạm", required=False,
              choices=tuple(discipline.VIOLATION_DOMAINS.items())),
    FieldSpec("subject_committee_level", "choice", "Đối tượng là cấp ủy viên cấp",
              required=False, choices=LEVEL_CHOICES),
    FieldSpec("subject_managed_by_level", "choice", "Đối tượng thuộc diện cấp nào quản lý",
              required=False, choices=LEVEL_CHOICES),
)

EVENTS = (
    EventDef("request_self_criticism", ("opened",), "self_criticism",
             "Yêu cầu đối tượng làm bản tự kiểm điểm", STAFF),
    EventDef("hear_subject", ("self_criticism",), "heard",
             "Đại diện cấp có thẩm quyền gặp, nghe đối tượng trình bày", COMMITTEE, fields=(
                 day("heard_on", "Ngày gặp đối tượng"),
                 FieldSpec("attendance", "choice", "Đối tượng", required=False,
                           choices=ATTENDANCE))),
    EventDef("conclude", ("heard",), "concluded", "Kết luận vi phạm", COMMITTEE, fields=(
        text("conclusion", "Nội dung, tính chất, mức độ, tác hại, nguyên nhân; tình tiết",
             long=True),
        day("violation_ended_on", "Ngày vi phạm (kết thúc, nếu kéo dài)"),
        FieldSpec("limitation_category", "choice", "Loại vi phạm không áp dụng thời hiệu",
                  required=False, choices=tuple(discipline.LIMITATION_CATEGORIES.items())),
        day("new_violation_on", "Ngày vi phạm mới trong thời hiệu (nếu có)", required=False))),
    EventDef("vote", ("concluded",), "voted", "Biểu quyết bằng phiếu kín", COMMITTEE,
             guards=(ballot_valid,), fields=VOTE_EVENT_FIELDS, derive=derive_vote),
    EventDef("decide", ("voted",), "decided", "Ban hành quyết định kỷ luật", COMMITTEE,
             guards=(adopted_within_authority, form_is_adopted("form")), fields=(
                 FieldSpec("form", "choice", "Hình thức kỷ luật", choices=FORM_CHOICES),
                 text("decision_number", "Số quyết định kỷ luật"))),
    EventDef("propose_to_competent", ("voted",), "proposed_to_competent",
             "Đề nghị cấp có thẩm quyền quyết định", COMMITTEE,
             guards=(beyond_authority, form_fits_subject("proposed_form")), fields=(
                 FieldSpec("proposed_form", "choice", "Hình thức đề nghị", choices=FORM_CHOICES),
                 text("proposed_to", "Cấp có thẩm quyền được đề nghị"))),
    EventDef("conclude_not_enforced", ("voted",), "not_enforced",
             "Kết luận vi phạm, không thi hành kỷ luật (hết thời hiệu)", COMMITTEE,
             guards=(limitation_expired,)),
    EventDef("close_no_discipline", ("voted",), "no_discipline",
             "Kết thúc: không hình thức nào đủ số phiếu", COMMITTEE, guards=(nothing_adopted,)),
    EventDef("announce", ("decided",), "in_effect", "Công bố quyết định kỷ luật", STAFF,
             guards=(form_lapses,), fields=(
                 day("announced_on", "Ngày công bố"),
                 day("effective_on", "Ngày có hiệu lực (mặc định: ngày công bố)", required=False),
                 flag("refused_to_receive", "Đối tượng từ chối nhận quyết định (ghi biên bản)"))),
    EventDef("announce_permanent", ("decided",), "in_effect_permanent",
             "Công bố quyết định khai trừ, giải tán", STAFF, guards=(form_permanent,), fields=(
                 day("announced_on", "Ngày công bố"),
                 day("effective_on", "Ngày có hiệu lực (mặc định: ngày công bố)", required=False),
                 flag("refused_to_receive", "Đối tượng từ chối nhận quyết định (ghi biên bản)"))),
    EventDef("receive_complaint", ("in_effect", "in_effect_permanent"), "under_complaint",
             "Nhận đơn khiếu nại kỷ luật", STAFF, spawns="discipline_complaint",
             fields=(day("complaint_filed_on", "Ngày gửi đơn khiếu nại"),)),
    EventDef("lapse", ("in_effect",), "lapsed", "Quyết định hết hiệu lực", COMMITTEE,
             guards=(decision_lapsed,),
             fields=(flag("new_violation", "Có vi phạm mới đến mức phải kỷ luật"),)),
    EventDef("close", ("in_effect", "in_effect_permanent", "under_complaint"), "closed",
             "Kết thúc theo dõi, lưu hồ sơ", COMMITTEE),
    EventDef("defer", BEFORE_VOTE, "deferred", "Chưa xem xét kỷ luật", COMMITTEE,
             guards=(deferral_grounds,), fields=(
                 flag("pregnant", "Đang mang thai"),
                 day("child_born_on", "Ngày sinh của con (nuôi con dưới 12 tháng)",
                     required=False),
                 flag("seriously_ill", "Đang điều trị bệnh nặng tại bệnh viện"))),
    EventDef("resume", ("deferred",), "self_criticism", "Tiếp tục xem xét kỷ luật", COMMITTEE,
             guards=(deferral_ended,), requires_note=True),
    EventDef("cancel", (*BEFORE_VOTE, "deferred"), "cancelled", "Hủy", CHAIR,
             requires_note=True),
)

DEFINITION = WorkflowDefinition(
    name="discipline",
    version=1,
    kind="discipline",
    title="Xem xét, thi hành kỷ luật",
    initial="opened",
    states=STATES,
    events=EVENTS,
    citation="Điều lệ Đảng điều 35–36, 39 [S49, S14]; QĐ 22 điều 10–16; QĐ 296 điều 8–15 [S4]; "
             "QĐ 69-QĐ/TW (domain.md §2.8, §3, §4)",
    in_force_from=QD22_FROM,
)
