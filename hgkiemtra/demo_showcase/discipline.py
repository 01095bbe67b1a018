"""Discipline proceedings (kind ``discipline``) at each stage a committee looks at.

- at the committee's vote (state ``concluded``), one in the province and one
  in Vị Thanh: the chairs' and members' dashboards list them, and
  ``/cases/<id>/vote`` counts the ballot;
- decided by secret ballot and announced (``in_effect``): the vote's outcome
  is recorded with the vote event;
- decided, announced, then complained about: the complaint is its own case
  (``discipline_complaint``, opened by the ``receive_complaint`` step and
  linked ``complaint_about``), accepted and under review;
- deferred: the member is being treated in hospital (QĐ 296 art. 8(7)).
"""

from __future__ import annotations

from datetime import timedelta

from hgkiemtra import demo_data
from hgkiemtra.cases.models import Case
from hgkiemtra.demo_showcase.stage import Stage, linked, open_at, step, walk, who
from hgkiemtra.people.models import Member

KIND = "discipline"
DESKS = {  # desk: (organisation code, inspector, committee member, chair)
    "HG": ("HG", "can.bo", "uy.vien", "chu.nhiem"),
    "VT": ("HG.VT", "can.bo.vithanh", "uy.vien.vithanh", "chu.nhiem.vithanh"),
}
BODY_LEVEL = {"HG": "province", "VT": "district"}


def build_discipline(stage: Stage) -> None:
    _awaiting_vote(stage, "HG", start=34)
    _awaiting_vote(stage, "VT", start=26)
    _decided(stage, start=80, votes={"votes_warning": 6, "votes_reprimand": 2, "votes_none": 1},
             form="warning")
    complained = _decided(stage, start=125, votes={"votes_reprimand": 6, "votes_none": 3},
                          form="reprimand")
    _complaint(stage, complained, form="reprimand", filed=83)
    _deferred(stage, start=45)


def _open(stage: Stage, desk: str, start: int) -> tuple[Case, Member, str]:
    code, inspector, member, _ = DESKS[desk]
    subject = stage.member(desk)
    content = stage.rng.choice(demo_data.CONTENTS)
    case = open_at(stage, inspector, start, kind=KIND, org=stage.orgs[code], subject=subject,
                   title=f"Xem xét, thi hành kỷ luật đối với {who(subject)} {content}",
                   summary="Theo kết luận kiểm tra khi có dấu hiệu vi phạm của Ủy ban Kiểm tra.",
                   team=((inspector, "leader"), (member, "directing")))
    return case, subject, content


def _to_conclusion(stage: Stage, desk: str, case: Case, subject: Member, content: str,
                   start: int, concluded: int) -> Case:
    """Self-criticism, the hearing, the meeting's conclusion (the vote comes next)."""
    _, inspector, member, _ = DESKS[desk]
    heard = (start + concluded) // 2
    text = demo_data.CONCLUSIONS["discipline_warranted"].format(
        subject=f"đồng chí {subject.full_name}", content=content)
    ended = stage.day(start) - timedelta(days=200)
    return walk(stage, case, [
        step("request_self_criticism", inspector, start - 2),
        step("hear_subject", member, heard, heard_on=stage.iso(heard), attendance="present"),
        step("conclude", member, concluded, conclusion=text[0].upper() + text[1:],
             violation_ended_on=ended.isoformat()),
    ])


def _awaiting_vote(stage: Stage, desk: str, start: int) -> Case:
    case, subject, content = _open(stage, desk, start)
    return _to_conclusion(stage, desk, case, subject, content, start, concluded=4)


def _decided(stage: Stage, start: int, votes: dict[str, int], form: str) -> Case:
    """Voted by the provincial Party committee (the Ủy ban Kiểm tra's own authority over
    these forms is unconfirmed in ``workflows.discipline``), decided, announced."""
    case, subject, content = _open(stage, "HG", start)
    case = _to_conclusion(stage, "HG", case, subject, content, start, concluded=start - 20)
    voted, decided, announced = start - 28, start - 30, start - 33
    return walk(stage, case, [
        step("vote", "uy.vien", voted, voted_on=stage.iso(voted), members_total=9,
             body_level=BODY_LEVEL["HG"], body_kind="committee", **votes),
        step("decide", "chu.nhiem", decided, form=form, decision_number=stage.number("TU")),
        step("announce", "can.bo", announced, announced_on=stage.iso(announced),
             note="Đã công bố quyết định tại hội nghị chi bộ nơi đảng viên sinh hoạt."),
    ])


def _complaint(stage: Stage, decided: Case, form: str, filed: int) -> Case:
    """The member complains; the complaint case is opened by the step and then accepted."""
    received = str(decided.data["announced_on"])
    walk(stage, decided, [
        step("receive_complaint", "can.bo", filed - 1, complaint_filed_on=stage.iso(filed),
             note="Đảng viên gửi đơn khiếu nại về hình thức kỷ luật khiển trách."),
    ])
    complaint = linked(decided, "complaint_about")
    return walk(stage, complaint, [
        step("screen", "can.bo", filed - 2, decision_received_on=received,
             filed_on=stage.iso(filed), complained_form=form),
        step("accept", "chu.nhiem", filed - 5, decision_number=stage.number("HG"),
             decision_date=stage.iso(filed - 5)),
    ])


def _deferred(stage: Stage, start: int) -> Case:
    case, _, _ = _open(stage, "HG", start)
    return walk(stage, case, [
        step("request_self_criticism", "can.bo", start - 2),
        step("defer", "chu.nhiem", start - 9, seriously_ill="yes",
             note="Đảng viên đang điều trị bệnh nặng tại Bệnh viện Đa khoa tỉnh; chưa xem xét "
                  "kỷ luật cho đến khi xuất viện."),
    ])
