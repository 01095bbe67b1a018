"""Data for the risk ranking, built through the services with back-dated clocks.

Everything is about the factories' world: the subject member sits in a cell of
``grassroots`` (Đảng ủy Phường I, under the district). Expected signals for
``grassroots`` with the default weights:

- violations: 3 in the window (a conclusion 60 days ago, a combined track
  today, a conclusion 2 years ago), 2 of them in the last 12 months — plus
  one 4 years ago (outside), one with no violation and one cancelled combined
  track (neither counts): 3 × 10 + 2 × 10 = 50;
- denunciations: 1 handled (one more rejected as anonymous does not count): 5;
- overdue follow-up actions: 1 (one more not yet due, one done late): 8;
- last inspection of the organisation itself 2 years and 40 days ago: 2 × 5 = 10.

Total 73. ``quiet`` (another grassroots organisation of the district, no cases)
scores 25: never inspected, the five-year maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.core.db import utcnow
from hgkiemtra.followup import service as followup
from hgkiemtra.followup.validation import ActionInput
from hgkiemtra.people.models import Organisation
from tests import factories as f

EXPECTED_SCORE = 73


@dataclass
class Scenario:
    w: f.World
    quiet: Organisation
    far: Organisation  # a grassroots organisation of the other district
    recent: Case


def _fire(w: f.World, case: Case, steps: list[tuple[str, dict[str, Any], str]],
          now: datetime) -> Case:
    users = {"chair": w.chair, "inspector": w.inspector, "member": w.committee_member}
    for event, data, who in steps:
        case = cases.fire_event(Actor.for_user(users[who]), case.id, event,
                                expected_version=case.version, data=data, now=now)
    return case


def _prepared(now: datetime) -> list[tuple[str, dict[str, Any], str]]:
    day = cases.local_today(now).isoformat()
    return [("decide", {"decision_number": "15-QĐ/UBKT", "decision_date": day}, "chair"),
            *f.FULL_PATH[1:]]


def concluded(w: f.World, outcome: str, now: datetime) -> Case:
    case = f.case(w, f"Kiểm tra ({outcome})", now=now)
    steps = [*_prepared(now), ("conclude", {"outcome": outcome, "conclusion": "Kết luận"},
                               "chair")]
    return _fire(w, case, steps, now)


def combined(w: f.World, now: datetime, cancel: bool = False) -> Case:
    case = f.case(w, "Quy trình kép", now=now)
    admission = {"admission": "Tự nhận vi phạm", "proposed_form": "reprimand"}
    case = _fire(w, case, [*_prepared(now)[:4], ("start_combined_track", admission, "member")],
                 now)
    if cancel:
        case = cases.fire_event(Actor.for_user(w.chair), case.id, "cancel",
                                expected_version=case.version, note="Hủy", now=now)
    return case


def denunciation(w: f.World, now: datetime, rejected: bool = False) -> Case:
    case = f.case(w, "Đơn tố cáo", kind="denunciation", now=now)
    screen = {"received_on": cases.local_today(now).isoformat(), "managed_by_level": "district"}
    if rejected:
        screen["anonymous"] = "yes"
    steps: list[tuple[str, dict[str, Any], str]] = [("screen", screen, "inspector")]
    if rejected:
        steps.append(("reject", {}, "chair"))
    return _fire(w, case, steps, now)


def inspected_org(w: f.World, org: Organisation, now: datetime) -> Case:
    return cases.open_case(Actor.for_user(w.inspector), kind="inspection_violation",
                           title="Kiểm tra tổ chức", org_id=w.district.id,
                           subject_type="organisation", subject_id=org.id, now=now)


def actions(w: f.World, case: Case, now: datetime) -> None:
    """One action overdue and open, one not yet due, one overdue but done."""
    actor = Actor.for_user(w.chair)
    back = now - timedelta(days=40)
    today = cases.local_today(now)

    def add(description: str, due_in: int, when: datetime) -> int:
        given = ActionInput(kind="remedy", description=description,
                            owner_org_id=w.grassroots.id, due_on=today + timedelta(days=due_in))
        return followup.add_action(actor, case.id, given, now=when).id

    add("Khắc phục (quá hạn)", -20, back)
    add("Khắc phục (chưa đến hạn)", 30, now)
    done = add("Khắc phục (xong muộn)", -10, back)
    followup.complete_action(actor, case.id, done, note="Đã khắc phục", now=now)


def build() -> Scenario:
    w = f.world()
    now = utcnow()
    quiet = f.org("Đảng ủy Phường III", "grassroots", w.district)
    far = f.org("Đảng ủy xã Đại Thành", "grassroots", w.other_district)
    recent = concluded(w, "discipline_warranted", now - timedelta(days=60))
    concluded(w, "violation_no_discipline", now - timedelta(days=730))
    concluded(w, "violation_no_discipline", now - timedelta(days=4 * 365 + 30))
    concluded(w, "no_violation", now)
    combined(w, now)
    combined(w, now, cancel=True)
    denunciation(w, now)
    denunciation(w, now, rejected=True)
    inspected_org(w, w.grassroots, now - timedelta(days=2 * 365 + 40))
    actions(w, recent, now)
    return Scenario(w, quiet, far, recent)
