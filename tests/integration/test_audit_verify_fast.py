"""The fast verifier (`audit_verify`): its forked, sliced path finds the same breaks as
the ORM check of one case (`audit.verify_case`), and the CLI uses it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hgkiemtra.cases import audit, audit_verify
from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.core.db import db
from tests import factories as f


@pytest.fixture()
def histories(committed):
    w = f.world()
    ids = [f.advance(w, f.case(w, f"Hồ sơ {n}"), f.FULL_PATH[:n % 4 + 1]).id for n in range(6)]
    db.session.commit()
    return ids


def _as_superuser(sql: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(sql), params)


def _orm_breaks(case_ids: list[int]) -> list[audit.Break]:
    found = []
    for case_id in case_ids:
        case = db.session.get(Case, case_id, populate_existing=True)
        events = list(db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case_id)
                                         .order_by(CaseEvent.seq, CaseEvent.id)
                                         .execution_options(populate_existing=True)))
        problem = audit.verify_case(case, events)
        if problem:
            found.append(problem)
    return found


def _tamper(ids: list[int]) -> None:
    _as_superuser("UPDATE case_events SET note = 'đã sửa' WHERE case_id = :c AND seq = 1",
                  c=ids[0])
    _as_superuser("DELETE FROM case_events WHERE case_id = :c AND seq = 2", c=ids[2])
    _as_superuser("UPDATE cases SET audit_seal = NULL WHERE id = :c", c=ids[3])
    _as_superuser("UPDATE cases SET state = 'x' WHERE id = :c", c=ids[5])


@pytest.mark.parametrize("parallel_from", [0, 10**12], ids=["forked slices", "one stream"])
def test_fast_breaks_equal_the_orm_check(app, histories, monkeypatch, parallel_from):
    monkeypatch.setattr(audit_verify, "PARALLEL_FROM", parallel_from)
    monkeypatch.setattr(audit_verify, "_event_estimate", lambda: 10**6)
    assert list(audit.iter_breaks()) == []
    _tamper(histories)
    db.session.rollback()
    fast = list(audit.iter_breaks())
    assert [b.case_id for b in fast] == [histories[i] for i in (0, 2, 3, 5)]
    assert fast == _orm_breaks(histories)


def test_the_cli_verifies_through_the_forked_path(app, histories, monkeypatch):
    monkeypatch.setattr(audit_verify, "PARALLEL_FROM", 0)
    monkeypatch.setattr(audit_verify, "_event_estimate", lambda: 10**6)
    ok = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    _tamper(histories)
    bad = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert f"BROKEN case {histories[0]} " in bad.output


def test_postgresqls_timestamp_text_reads_back_in_the_writers_form(app, committed):
    from datetime import UTC, datetime, timedelta, timezone

    db.session.execute(sa.text("SET LOCAL DateStyle = 'German, DMY'"))  # _stream sets ISO
    raw = db.session.connection().connection.driver_connection
    for micro in (0, 1, 120, 500000, 999999):
        moment = datetime(2024, 2, 29, 23, 59, 58, micro, tzinfo=timezone(timedelta(hours=7)))
        rows = list(audit_verify._stream(raw, "false", []))  # sets DateStyle for the transaction
        assert rows == []
        text = db.session.execute(sa.text("SELECT (CAST(:t AS timestamptz) AT TIME ZONE 'UTC')"
                                          "::text"), {"t": moment}).scalar_one()
        assert audit_verify.utc_text(text) == audit._timestamp(moment.astimezone(UTC))
    db.session.rollback()


def test_events_of_a_missing_case_are_orphans(app, histories):
    _as_superuser("INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_id,"
                  " actor_label, occurred_at, note, data, prev_hash, hash)"
                  " SELECT :gone, seq, event, from_state, to_state, actor_id, actor_label,"
                  " occurred_at, note, data, prev_hash, hash FROM case_events WHERE case_id = :c",
                  gone=max(histories) + 1000, c=histories[1])
    db.session.rollback()
    orphans = audit.orphan_events()
    copied = db.session.scalar(sa.select(sa.func.count()).where(
        CaseEvent.case_id == histories[1]))
    assert [(o.case_id, o.seq) for o in orphans] == [
        (max(histories) + 1000, seq) for seq in range(1, copied + 1)]
    assert [o.event_id for o in orphans] == sorted(o.event_id for o in orphans)
