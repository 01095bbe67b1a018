"""Edit, delete and insert audit rows behind the app's back: `audit verify` catches each."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from hgkiemtra.cases import audit
from hgkiemtra.cases.models import CaseEvent
from hgkiemtra.core.db import db
from tests import factories as f


@pytest.fixture()
def cases_with_history(committed):
    w = f.world()
    first = f.advance(w, f.case(w, "Hồ sơ A"), f.FULL_PATH[:4])
    second = f.advance(w, f.case(w, "Hồ sơ B"), f.FULL_PATH[:2])
    db.session.commit()
    return first.id, second.id


def _as_superuser(sql: str, **params: object) -> None:
    """Bypass the append-only trigger the way a database superuser could."""
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(sql), params)


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _event_id(case_id: int, seq: int) -> int:
    return db.session.execute(
        sa.select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.seq == seq)
    ).scalar_one()


def test_untouched_chains_verify(app, cases_with_history):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "every chain verifies" in result.output


def test_edited_row_is_caught(app, cases_with_history):
    case_id, _ = cases_with_history
    target = _event_id(case_id, 3)
    _as_superuser("UPDATE case_events SET note = 'đã sửa' WHERE id = :id", id=target)
    result = _verify(app)
    assert result.exit_code == 1
    assert f"case {case_id} event {target}" in result.output
    assert "edited" in result.output


def test_edited_state_with_recomputed_hash_breaks_the_next_link(app, cases_with_history):
    case_id, _ = cases_with_history
    row = db.session.execute(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.seq == 2)
    ).scalar_one()
    row.data = {"decision_number": "99-QĐ/giả"}
    forged = audit.hash_of(row)
    db.session.rollback()
    _as_superuser("UPDATE case_events SET data = :d, hash = :h WHERE id = :id",
                  d='{"decision_number": "99-QĐ/giả"}', h=forged, id=row.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert f"case {case_id} event {_event_id(case_id, 3)}" in result.output  # next link breaks


def test_deleted_middle_row_is_caught(app, cases_with_history):
    case_id, _ = cases_with_history
    _as_superuser("DELETE FROM case_events WHERE case_id = :c AND seq = 2", c=case_id)
    result = _verify(app)
    assert result.exit_code == 1 and f"case {case_id}" in result.output


def test_deleted_newest_row_is_caught(app, cases_with_history):
    _, case_id = cases_with_history
    _as_superuser("DELETE FROM case_events WHERE case_id = :c AND seq = 3", c=case_id)
    result = _verify(app)
    assert result.exit_code == 1 and f"case {case_id}" in result.output


def test_inserted_row_is_caught_even_with_a_valid_hash(app, cases_with_history):
    _, case_id = cases_with_history
    last = db.session.execute(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq.desc())
    ).scalars().first()
    fields = dict(case_id=case_id, seq=last.seq + 1, event="close", from_state=last.to_state,
                  to_state="closed", actor_id=None, actor_label="kẻ giả mạo",
                  occurred_at=last.occurred_at, note="", data={}, prev_hash=last.hash)
    forged = audit.event_hash(**fields)
    db.session.rollback()
    _as_superuser(
        "INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor_label, "
        "occurred_at, note, data, prev_hash, hash) VALUES (:case_id, :seq, :event, :from_state, "
        ":to_state, :actor_label, :occurred_at, '', '{}', :prev_hash, :hash)",
        **{k: v for k, v in fields.items() if k not in {"actor_id", "note", "data"}}, hash=forged,
    )
    result = _verify(app)
    assert result.exit_code == 1 and f"case {case_id}" in result.output


def test_cli_subprocess_exit_code(app, cases_with_history, database_url):
    case_id, _ = cases_with_history
    env = {**os.environ, "HGKIEMTRA_DATABASE_URL": database_url,
           "HGKIEMTRA_INSTANCE_DIR": app.instance_path,
           # The seal key comes from the secret key: the command must hold the app's.
           "HGKIEMTRA_SECRET_KEY": app.config["SECRET_KEY"]}
    ok = subprocess.run([sys.executable, "-m", "hgkiemtra.cli", "audit", "verify"],
                        env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    _as_superuser("UPDATE case_events SET actor_label = 'x' WHERE case_id = :c AND seq = 1",
                  c=case_id)
    bad = subprocess.run([sys.executable, "-m", "hgkiemtra.cli", "audit", "verify"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert f"case {case_id} event {_event_id(case_id, 1)}" in bad.stderr
