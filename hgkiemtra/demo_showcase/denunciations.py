"""Denunciations with the denouncer's identity in the vault (province desk).

- one being resolved: the identity was recorded at intake (encrypted; the
  case shows a pseudonym), a committee member asked to read it, the
  custodian (the province chair) approved and she read it once; now the
  inspector's own request waits for the custodian;
- one concluded "correct" that opened an inspection of the accused
  (``links.open_linked``, link ``spawned_inspection``), now at its draft report.

Without a configured vault (``Vault.is_configured``) the identities, and so
the reveal requests, are left out; the cases are built all the same.
"""

from __future__ import annotations

from hgkiemtra import demo_data
from hgkiemtra.cases import links
from hgkiemtra.cases.models import Case
from hgkiemtra.demo_showcase.stage import Stage, linked, open_at, step, walk, who
from hgkiemtra.denunciations import reveals
from hgkiemtra.denunciations import service as denunciations
from hgkiemtra.denunciations.vault import Identity

TEAM = (("can.bo", "leader"), ("uy.vien", "directing"))
# Fictional denouncers (the phone numbers and card numbers are not real ones).
DENOUNCERS = (
    Identity(full_name="Trần Văn Nhân", address="Số 12, ấp 3, xã Lương Tâm, huyện Long Mỹ",
             phone="0939 000 123", id_number="093000000123",
             notes="Đề nghị giữ bí mật họ tên; liên hệ qua điện thoại sau 17 giờ."),
    Identity(full_name="Nguyễn Thị Bé Tư", address="Khu vực 2, phường Thuận An, thị xã Long Mỹ",
             phone="0918 000 456", id_number="093000000456"),
)
REASON_MEMBER = ("Cần đối chiếu chữ ký trong đơn với người đến gặp Đoàn để xác minh người tố "
                 "cáo là một người.")
REASON_INSPECTOR = ("Cần mời người tố cáo đến làm việc để cung cấp bổ sung tài liệu, chứng cứ "
                    "về nội dung tố cáo thứ hai.")


def build_denunciations(stage: Stage) -> None:
    _being_resolved(stage, start=30)
    _led_to_inspection(stage, start=110)


def _open(stage: Stage, start: int, denouncer: Identity, content: str) -> Case:
    accused = stage.member("HG")
    case = open_at(stage, "can.bo", start, kind="denunciation", org=stage.orgs["HG"],
                   subject=accused, team=TEAM,
                   title=f"Giải quyết tố cáo đối với {who(accused)} {content}",
                   summary="Đơn tố cáo có tên, địa chỉ rõ ràng, nội dung cụ thể, gửi Ủy ban "
                           "Kiểm tra Tỉnh ủy.")
    if stage.vault is not None and stage.vault.is_configured:
        denunciations.record_identity(stage.actor("can.bo"), case, denouncer, stage.vault,
                                      now=stage.at(start, 9))
    return walk(stage, case, [
        step("screen", "can.bo", start - 1, received_on=stage.iso(start),
             managed_by_level="province", specific_content="yes"),
        step("accept", "chu.nhiem", start - 4, decision_number=stage.number("HG"),
             decision_date=stage.iso(start - 4)),
    ])


def _being_resolved(stage: Stage, start: int) -> Case:
    case = _open(stage, start, DENOUNCERS[0], demo_data.CONTENTS[10])
    if stage.vault is None or not stage.vault.is_configured:
        return case
    member, custodian = stage.actor("uy.vien"), stage.actor("chu.nhiem")
    # Asked, approved and read the same day: an approval lapses after 24 hours.
    asked = reveals.request_reveal(member, case.id, REASON_MEMBER, now=stage.at(start - 8, 9))
    reveals.decide(custodian, case.id, asked.id, approve=True, now=stage.at(start - 8, 11),
                   reason="Đồng ý: phục vụ xác minh, không ghi danh tính vào hồ sơ.")
    reveals.reveal(member, case.id, asked.id, stage.vault, now=stage.at(start - 8, 15))
    reveals.request_reveal(stage.actor("can.bo"), case.id, REASON_INSPECTOR, now=stage.at(2))
    return case


def _led_to_inspection(stage: Stage, start: int) -> Case:
    case = _open(stage, start, DENOUNCERS[1], demo_data.CONTENTS[9])
    found = ("Nội dung tố cáo là đúng: người bị tố cáo có dấu hiệu vi phạm trong quản lý quỹ "
             "đất công ích; đề nghị kiểm tra khi có dấu hiệu vi phạm.")
    concluded = start - 40
    case = walk(stage, case, [
        step("conclude", "chu.nhiem", concluded, outcome="correct", conclusion=found,
             meeting_on=stage.iso(concluded)),
    ])
    links.open_linked(stage.actor("chu.nhiem"), case.id, "inspection", note=found,
                      now=stage.at(concluded - 2))
    walk(stage, case, [
        step("notify_denouncer", "can.bo", concluded - 4, notified_on=stage.iso(concluded - 4)),
    ])
    inspection = linked(case, "spawned_inspection")
    return walk(stage, inspection, [
        step("decide", "chu.nhiem", concluded - 6, decision_number=stage.number("HG"),
             decision_date=stage.iso(concluded - 6)),
        step("launch", "can.bo", concluded - 10, note=demo_data.NOTES["launch"]),
        step("request_explanation", "can.bo", concluded - 11),
        step("receive_explanation", "can.bo", concluded - 20,
             note=demo_data.NOTES["receive_explanation"]),
        step("draft_report", "can.bo", concluded - 34),
    ])
