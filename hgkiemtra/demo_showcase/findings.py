"""What follows a conclusion, and cases that open other cases (all in the province).

- a financial inspection of a commune committee, concluded with money to
  recover, with three follow-up actions (self-criticism done, remedy
  overdue, recovery of 185.400.000 ₫ open) and a re-check of implementation
  (a linked supervision, ``recheck_of``);
- an inspection of a commune committee whose findings open an inspection of
  the member responsible (``member_case``); that case's team was changed and
  each member declared: one declared a conflict of interest;
- a thematic supervision that found signs of violation and proposed an
  inspection (opened by the step, ``spawned_inspection``).
"""

from __future__ import annotations

from datetime import timedelta

from hgkiemtra import demo_data
from hgkiemtra.cases import declarations, links
from hgkiemtra.cases.models import Case
from hgkiemtra.cases.service import TeamSeat
from hgkiemtra.cases.team import change_team
from hgkiemtra.demo_showcase.stage import Stage, Step, linked, open_at, step, walk, who
from hgkiemtra.followup import recheck
from hgkiemtra.followup import service as followup
from hgkiemtra.followup.validation import ActionInput

TEAM = (("can.bo", "leader"), ("uy.vien", "directing"))
RECOVER_VND = 185_400_000
CONFLICT = ("Đối tượng kiểm tra là em rể của tôi (chồng của em gái ruột): đề nghị không phân "
            "công tôi chỉ đạo đoàn kiểm tra này.")


def build_findings(stage: Stage) -> None:
    _followed_up(stage, start=150)
    _member_case(stage, start=95)
    _supervision(stage, start=90)


def _inspection_steps(stage: Stage, start: int, report: str, outcome: str, conclusion: str,
                      **conclude: object) -> list[Step]:
    """Decision to conclusion, then follow-up: ``start`` is the day the case was opened."""
    return [
        step("decide", "chu.nhiem", start - 3, decision_number=stage.number("HG"),
             decision_date=stage.iso(start - 3)),
        step("launch", "can.bo", start - 8, note=demo_data.NOTES["launch"]),
        step(f"request_{report}", "can.bo", start - 9),
        step(f"receive_{report}", "can.bo", start - 19),
        step("draft_report", "can.bo", start - 35),
        step("submit_report", "can.bo", start - 40),
        step("conclude", "uy.vien", start - 46, outcome=outcome, conclusion=conclusion,
             **conclude),
        step("start_follow_up", "chu.nhiem", start - 48),
    ]


def _declare_all(stage: Stage, case: Case, ago: int) -> None:
    for local, _ in TEAM:
        declarations.declare(stage.actor(local), case.id, has_conflict=False, statement="",
                             now=stage.at(ago, 10))


def _followed_up(stage: Stage, start: int) -> Case:
    commune = stage.organisation("HG")
    content = "về thu, chi tài chính và quản lý ngân sách đảng"
    case = open_at(stage, "can.bo", start, kind="financial_inspection", org=stage.orgs["HG"],
                   subject=commune, team=TEAM,
                   title=f"Kiểm tra tài chính đảng đối với {commune.name} {content} năm trước",
                   summary="Theo Chương trình kiểm tra, giám sát của Ủy ban Kiểm tra Tỉnh ủy.")
    _declare_all(stage, case, start)
    conclusion = (f"{commune.name} chi sai chế độ, thiếu chứng từ hợp lệ một số khoản chi hoạt "
                  "động; kiến nghị thu hồi nộp ngân sách đảng và kiểm điểm, khắc phục.")
    case = walk(stage, case, _inspection_steps(
        stage, start, "self_report", "violation_no_discipline", conclusion,
        amount_to_recover=RECOVER_VND))
    concluded = start - 48
    when, writer = stage.at(concluded, 14), stage.actor("can.bo")
    base = stage.day(concluded)
    plan = [
        ("self_criticism", "Ban Thường vụ Đảng ủy tổ chức kiểm điểm, rút kinh nghiệm về những "
         "thiếu sót trong quản lý tài chính đảng", base + timedelta(days=30), None),
        ("remedy", "Chấn chỉnh quy chế chi tiêu nội bộ; bổ sung đầy đủ chứng từ các khoản chi",
         base + timedelta(days=45), None),
        ("recovery", "Thu hồi các khoản chi sai chế độ nộp vào ngân sách đảng",
         stage.today + timedelta(days=40), RECOVER_VND),
    ]
    actions = [followup.add_action(writer, case.id, ActionInput(
        kind=kind, description=text, due_on=due, owner_org_id=commune.id, amount_vnd=amount),
        now=when) for kind, text, due, amount in plan]
    done = concluded - 14
    followup.complete_action(writer, case.id, actions[0].id, done_on=stage.day(done),
                             note="Đã tổ chức kiểm điểm; biên bản hội nghị gửi kèm.",
                             now=stage.at(done, 15))
    recheck.open_recheck(stage.actor("chu.nhiem"), case.id, now=stage.at(12),
                         note="Quá hạn khắc phục mà chưa có báo cáo kết quả.")
    child = linked(case, recheck.LINK_KIND)
    return walk(stage, child, [
        step("decide", "chu.nhiem", 10, decision_number=stage.number("HG"),
             decision_date=stage.iso(10), supervision_kind="thematic", method="direct"),
        step("request_report", "can.bo", 8),
    ])


def _member_case(stage: Stage, start: int) -> Case:
    """Findings about a committee open an inspection of the member responsible."""
    commune = stage.organisation("HG")
    content = "trong lãnh đạo, chỉ đạo quản lý quỹ đất công ích"
    case = open_at(stage, "can.bo", start, kind="inspection_violation", org=stage.orgs["HG"],
                   subject=commune, team=TEAM,
                   title=f"Kiểm tra khi có dấu hiệu vi phạm đối với {commune.name} {content}",
                   summary=demo_data.SOURCES[3])
    conclusion = (f"{commune.name} buông lỏng lãnh đạo, để cho thuê quỹ đất công ích không qua "
                  "đấu giá; trách nhiệm chính thuộc đồng chí phụ trách lĩnh vực đất đai.")
    case = walk(stage, case, _inspection_steps(stage, start, "explanation",
                                               "violation_no_discipline", conclusion))
    responsible = stage.member("HG", within=commune)
    opened = start - 52
    links.open_linked(stage.actor("chu.nhiem"), case.id, "member_case",
                      target_kind="inspection_violation", subject_member_ids=[responsible.id],
                      note=f"Làm rõ trách nhiệm cá nhân của {who(responsible).rstrip(',')}.",
                      now=stage.at(opened))
    child = linked(case, "member_case")
    seats = [TeamSeat(stage.users[local].id, role) for local, role in TEAM]
    change_team(stage.actor("chu.nhiem"), child.id, seats, now=stage.at(opened, 11),
                note="Phân công đoàn kiểm tra.")
    declarations.declare(stage.actor("can.bo"), child.id, has_conflict=False, statement="",
                         now=stage.at(opened - 1, 10))
    declarations.declare(stage.actor("uy.vien"), child.id, has_conflict=True,
                         statement=CONFLICT, now=stage.at(opened - 1, 11))
    return walk(stage, child, [
        step("decide", "chu.nhiem", opened - 4, decision_number=stage.number("HG"),
             decision_date=stage.iso(opened - 4)),
    ])


def _supervision(stage: Stage, start: int) -> Case:
    subject = stage.member("HG")
    case = open_at(stage, "can.bo", start, kind="supervision", org=stage.orgs["HG"],
                   subject=subject, team=TEAM,
                   title=f"Giám sát chuyên đề đối với {who(subject)} trong thực hiện chức trách, "
                         "nhiệm vụ được giao")
    found = ("Qua giám sát phát hiện dấu hiệu vi phạm trong cấp giấy chứng nhận quyền sử dụng "
             "đất; đề nghị kiểm tra khi có dấu hiệu vi phạm.")
    case = walk(stage, case, [
        step("decide", "chu.nhiem", start - 2, decision_number=stage.number("HG"),
             decision_date=stage.iso(start - 2), supervision_kind="thematic", method="direct"),
        step("request_report", "can.bo", start - 5),
        step("receive_report", "can.bo", start - 14),
        step("hold_meeting", "can.bo", start - 20, meeting_on=stage.iso(start - 20)),
        step("draft_report", "can.bo", start - 26),
        step("submit_report", "can.bo", start - 30),
        step("conclude", "uy.vien", start - 36, outcome="signs_of_violation", conclusion=found),
        step("propose_inspection", "chu.nhiem", start - 38, content=found),
    ])
    child = linked(case, "spawned_inspection")
    return walk(stage, child, [
        step("decide", "chu.nhiem", start - 42, decision_number=stage.number("HG"),
             decision_date=stage.iso(start - 42)),
        step("launch", "can.bo", start - 47, note=demo_data.NOTES["launch"]),
        step("request_explanation", "can.bo", start - 48),
    ])
