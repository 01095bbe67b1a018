"""Stateful property test: random events by random actors against the real service.

After every step: the state is one of the definition's; every committed state
change has exactly one audit event; every chain verifies; a closed case
accepts no event; no deadline precedes its anchor; an actor never changes a
case outside its scope.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from hgkiemtra.cases import audit
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError
from hgkiemtra.deadlines.models import Deadline
from tests import factories as f
from workflows import registry

EXAMPLES = int(os.environ.get("HGKIEMTRA_TEST_STATEFUL_EXAMPLES", "25"))

DATA_VALUES = {
    "decision_number": st.sampled_from(["15-QĐ/UBKT", "", None, "x" * 120]),
    "decision_date": st.sampled_from(["2026-03-02", "02/03/2026", None]),
    "launch_by": st.sampled_from(["2099-01-05", "2000-01-01", None]),
    "explanation_due": st.sampled_from(["2099-02-05", "bad", None]),
    "outcome": st.sampled_from(["no_violation", "shortcomings", "violation_no_discipline",
                                "discipline_warranted", "referred", "bogus", None]),
    "conclusion": st.sampled_from(["Kết luận", "", None]),
    "form": st.sampled_from(["reprimand", "warning", "removal", "expulsion", "dissolution",
                             None]),
    "transferred_to": st.sampled_from(["UBKT Tỉnh ủy", None]),
    "heard_on": st.sampled_from(["2026-03-02", "bad", None]),
    "proposed_form": st.sampled_from(["reprimand", "warning", "removal", "dissolution", None]),
    "admission": st.sampled_from(["Tự nhận vi phạm", None]),
    "proposed_to": st.sampled_from(["Ban Thường vụ Tỉnh ủy", None]),
    "content": st.sampled_from(["Dấu hiệu vi phạm", None]),
    "surprise": st.sampled_from([None, "unexpected"]),
}
EVENT_NAMES = sorted({e.name for d in registry.all_definitions() for e in d.events}
                     | {"no_such_event"})


class CaseLifecycle(RuleBasedStateMachine):
    cases_bundle = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.w = f.world()
        self.actors = {
            "chair": self.w.chair, "member": self.w.committee_member,
            "inspector": self.w.inspector, "viewer": self.w.viewer,
            "outsider": self.w.outsider, "admin": self.w.admin,
        }
        self.successes: dict[int, int] = {}

    @rule(target=cases_bundle, subject_is_org=st.booleans(),
          kind=st.sampled_from(["inspection_violation", *registry.kinds()]))
    def open_case(self, subject_is_org: bool, kind: str) -> int:
        subjects = registry.for_kind(kind).subjects
        subject_is_org = (subject_is_org and subjects.organisation) or not subjects.member
        c = cases.open_case(
            self.w.actor(self.w.inspector), kind=kind, title="Hồ sơ thử",
            org_id=self.w.district.id,
            subject_type="organisation" if subject_is_org else "member",
            subject_id=self.w.grassroots.id if subject_is_org else self.w.subject.id,
        )
        self.successes[c.id] = 0
        return c.id

    @rule(case_id=cases_bundle, event=st.sampled_from(EVENT_NAMES),
          who=st.sampled_from(["chair", "member", "inspector", "viewer", "outsider", "admin"]),
          stale=st.booleans(), note=st.sampled_from(["", "Lý do cụ thể"]),
          data=st.fixed_dictionaries({}, optional=DATA_VALUES))
    def fire(self, case_id: int, event: str, who: str, stale: bool, note: str,
             data: dict[str, object]) -> None:
        data = {k: v for k, v in data.items() if v is not None}
        case = db.session.get(Case, case_id)
        before = (case.state, case.version, case.event_count)
        was_final = registry.get(case.workflow_name, case.workflow_version).state(
            case.state).is_final
        user = self.actors[who]
        in_scope = self.w.actor(user).can_see(case.organisation.path)
        version = case.version - 1 if stale else case.version
        try:
            cases.fire_event(self.w.actor(user), case_id, event, expected_version=version,
                             note=note, data=data)
        except DomainError:
            db.session.expire_all()
            after = db.session.get(Case, case_id)
            assert (after.state, after.version, after.event_count) == before
            return
        assert not stale and in_scope and not was_final
        self.successes[case_id] += 1

    @invariant()
    def every_case_is_consistent(self) -> None:
        for case_id, fired in self.successes.items():
            case = db.session.get(Case, case_id)
            definition = registry.get(case.workflow_name, case.workflow_version)
            assert case.state in definition.state_map
            assert case.phase == definition.phase_of(case.state).value
            events = list(db.session.execute(
                sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
            ).scalars())
            assert len(events) == fired + 1 == case.event_count
            assert audit.verify_case(case, events) is None
            if definition.state(case.state).is_final:
                assert case.closed_on is not None
            early = db.session.execute(
                sa.select(sa.func.count()).select_from(Deadline)
                .where(Deadline.case_id == case_id, Deadline.due_on < Deadline.anchor_on)
            ).scalar_one()
            assert early == 0

    def teardown(self) -> None:
        db.session.rollback()


def test_random_event_sequences_keep_every_invariant(session) -> None:
    run_state_machine_as_test(
        CaseLifecycle,
        settings=settings(max_examples=EXAMPLES, stateful_step_count=30, deadline=None,
                          database=None, suppress_health_check=list(HealthCheck)),
    )
