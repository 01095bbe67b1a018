"""The seal on the case row, the heads kept outside the database, and sealing
rows stored before sealing existed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from hgkiemtra.cases import audit
from hgkiemtra.cases.models import Case
from hgkiemtra.config import ConfigError, load_settings
from hgkiemtra.core.db import db
from tests import factories as f
from tests.integration.test_audit_tamper import _as_superuser


@pytest.fixture()
def histories(committed):
    w = f.world()
    cases = [f.advance(w, f.case(w, f"Vụ {n}"), f.FULL_PATH[:n + 1]) for n in range(3)]
    db.session.commit()
    return [c.id for c in cases]


def _run(app, *args: str):
    return CliRunner().invoke(app.cli, ["audit", *args], catch_exceptions=False)


def test_every_transition_seals_the_case_row(histories):
    for case in db.session.scalars(sa.select(Case).where(Case.id.in_(histories))):
        assert case.audit_seal and len(case.audit_seal) == 64
    assert list(audit.iter_breaks(histories)) == []


def test_a_seal_made_with_another_key_does_not_verify(app, histories):
    try:
        audit.configure_seal("another-audit-key-of-sufficient-length!", "")
        breaks = list(audit.iter_breaks(histories))
    finally:
        audit.configure_seal("", app.config["SECRET_KEY"])
    assert {b.case_id for b in breaks} == set(histories)
    assert all("seal" in b.reason for b in breaks)


def test_unsealed_rows_are_reported_then_sealed_once_their_chain_checks(app, histories):
    first, second, _ = histories
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cases SET audit_seal = NULL WHERE id IN (:a, :b)"),
                     {"a": first, "b": second})
        # The second case's history was also damaged: it must not be sealed.
        conn.execute(sa.text("UPDATE cases SET state = 'x' WHERE id = :b"), {"b": second})
    db.session.expire_all()
    assert "no audit seal" in next(audit.iter_breaks([first])).reason
    result = CliRunner().invoke(app.cli, ["audit", "seal"])
    assert result.exit_code == 1
    assert "sealed 1 case(s)" in result.output
    db.session.expire_all()
    assert list(audit.iter_breaks([first])) == []
    assert [b.case_id for b in audit.iter_breaks([second])] == [second]


def test_saved_heads_catch_a_case_rolled_back(app, histories, tmp_path):
    heads = tmp_path / "heads.txt"
    heads.write_text(_run(app, "heads").output)
    assert _run(app, "verify", "--heads", str(heads)).exit_code == 0
    target = histories[2]
    count = db.session.get(Case, target).event_count
    prior_hash, prior_state = db.session.execute(sa.text(
        "SELECT hash, to_state FROM case_events WHERE case_id = :c AND seq = :s"),
        {"c": target, "s": count - 1}).one()
    # A rollback: the newest event gone and the case row put back as a kept copy
    # from before it would be, seal included.
    _as_superuser("DELETE FROM case_events WHERE case_id = :c AND seq = :s", c=target, s=count)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE cases SET event_count = :n, state = :s, audit_seal = :q "
                             "WHERE id = :c"),
                     {"n": count - 1, "s": prior_state, "c": target,
                      "q": audit.seal_for(target, count - 1, prior_state, prior_hash)})
    db.session.expire_all()
    assert list(audit.iter_breaks([target])) == []  # the rollback alone verifies...
    result = _run(app, "verify", "--heads", str(heads))
    assert result.exit_code == 1  # ...but not against the heads kept outside
    assert f"case {target}" in result.output


def test_a_bad_heads_file_is_a_clear_error(app, histories, tmp_path):
    heads = tmp_path / "heads.txt"
    heads.write_text("12 not-a-number abc\n")
    result = CliRunner().invoke(app.cli, ["audit", "verify", "--heads", str(heads)])
    assert result.exit_code != 0 and "heads file line 1" in result.output


def test_a_short_audit_key_is_refused():
    with pytest.raises(ConfigError, match="AUDIT_KEY"):
        load_settings({"HGKIEMTRA_AUDIT_KEY": "short"})
