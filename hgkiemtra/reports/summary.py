"""The statistics summary: narrow rows the report reads instead of the case tables.

``stat_events`` holds each counted event with what the report groups it by;
``stat_phase_stays`` each case's time per phase (``reports/models.py``). The
database keeps both, with triggers on ``case_events`` and ``cases`` (PostgreSQL
and SQLite alike), so every writer stays in step without a statement more:

* an event in ``COUNTED_EVENTS`` is copied with the case's kind, subject,
  organisation (and its level), vote level (``data.body_level``) and track
  (``data.admission``);
* a new case enters its first phase; when ``cases.phase`` changes, the time
  since the stay began (``updated_at`` is the transition's instant) is added
  to the phase left, which records when it was left, and the phase entered
  becomes the current one (a send-back re-enters an existing row);
* a case handed to another organisation (``people/handover.py``), or whose
  vote level, track or subject changes, has its rows updated to match.

``backfill`` fills both tables from the events already there (the migration,
and ``bench.scale`` after its bulk load, which bypasses the triggers).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import visitors

from hgkiemtra.cases.models import Case, CaseEvent
from hgkiemtra.people.models import Organisation
from hgkiemtra.reports import sqlfuncs
from hgkiemtra.reports.models import PhaseStay, StatEvent
from workflows import registry

# Events whose date places a case in a period, by what they mean for the report.
COUNTED_EVENTS = ("decide", "conclude", "decide_discipline", "propose_discipline",
                  "no_discipline", "accept", "reject", "forward", "withdraw",
                  "keep_as_information", "rule", "escalate")
_COUNTED_SQL = ", ".join(f"'{e}'" for e in COUNTED_EVENTS)
_STAT_COLUMNS = ("event_id, case_id, occurred_at, event, detail, amount, kind, subject_type, "
                 "subject_member_id, subject_org_id, org_id, org_level, body_level, is_combined")
_STAY_COLUMNS = "case_id, phase, kind, org_id, micros, entered_at, last_left_at, is_current"

PG_FUNCTIONS = (f"""
CREATE OR REPLACE FUNCTION stat_events_copy() RETURNS trigger AS $$
BEGIN
    INSERT INTO stat_events ({_STAT_COLUMNS})
    SELECT NEW.id, NEW.case_id, NEW.occurred_at, NEW.event,
           coalesce(NEW.data ->> 'outcome', NEW.data ->> 'ruling', NEW.data ->> 'form'),
           CAST(NEW.data ->> 'amount_to_recover' AS NUMERIC),
           c.kind, c.subject_type, c.subject_member_id, c.subject_org_id, c.org_id, o.level,
           c.data ->> 'body_level', (c.data ->> 'admission') IS NOT NULL
    FROM cases c JOIN organisations o ON o.id = c.org_id WHERE c.id = NEW.case_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""", f"""
CREATE OR REPLACE FUNCTION stat_case_opened() RETURNS trigger AS $$
BEGIN
    INSERT INTO stat_phase_stays ({_STAY_COLUMNS})
    VALUES (NEW.id, NEW.phase, NEW.kind, NEW.org_id, 0, NEW.updated_at, NULL, true)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""", f"""
CREATE OR REPLACE FUNCTION stat_case_changed() RETURNS trigger AS $$
BEGIN
    IF NEW.phase IS DISTINCT FROM OLD.phase THEN
        UPDATE stat_phase_stays
        SET micros = micros + CAST(round(EXTRACT(EPOCH FROM (NEW.updated_at - entered_at))
                                         * 1000000) AS BIGINT),
            last_left_at = NEW.updated_at, is_current = false
        WHERE case_id = NEW.id AND phase = OLD.phase AND is_current;
        INSERT INTO stat_phase_stays ({_STAY_COLUMNS})
        VALUES (NEW.id, NEW.phase, NEW.kind, NEW.org_id, 0, NEW.updated_at, NULL, true)
        ON CONFLICT (case_id, phase)
        DO UPDATE SET entered_at = EXCLUDED.entered_at, is_current = true;
    END IF;
    IF NEW.org_id IS DISTINCT FROM OLD.org_id OR NEW.kind IS DISTINCT FROM OLD.kind THEN
        UPDATE stat_phase_stays SET org_id = NEW.org_id, kind = NEW.kind WHERE case_id = NEW.id;
    END IF;
    IF (NEW.org_id, NEW.kind, NEW.subject_type, NEW.subject_member_id, NEW.subject_org_id,
        NEW.data ->> 'body_level', (NEW.data ->> 'admission') IS NOT NULL)
       IS DISTINCT FROM
       (OLD.org_id, OLD.kind, OLD.subject_type, OLD.subject_member_id, OLD.subject_org_id,
        OLD.data ->> 'body_level', (OLD.data ->> 'admission') IS NOT NULL) THEN
        UPDATE stat_events
        SET org_id = NEW.org_id, kind = NEW.kind, subject_type = NEW.subject_type,
            subject_member_id = NEW.subject_member_id, subject_org_id = NEW.subject_org_id,
            org_level = (SELECT level FROM organisations WHERE id = NEW.org_id),
            body_level = NEW.data ->> 'body_level',
            is_combined = (NEW.data ->> 'admission') IS NOT NULL
        WHERE case_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
""")
PG_TRIGGERS = (f"""
CREATE TRIGGER stat_events_copy AFTER INSERT ON case_events FOR EACH ROW
WHEN (NEW.event IN ({_COUNTED_SQL})) EXECUTE FUNCTION stat_events_copy()
""", """
CREATE TRIGGER stat_case_opened AFTER INSERT ON cases FOR EACH ROW
EXECUTE FUNCTION stat_case_opened()
""", """
CREATE TRIGGER stat_case_changed AFTER UPDATE ON cases FOR EACH ROW
EXECUTE FUNCTION stat_case_changed()
""")
PG_DROP = (
    "DROP TRIGGER IF EXISTS stat_case_changed ON cases",
    "DROP TRIGGER IF EXISTS stat_case_opened ON cases",
    "DROP TRIGGER IF EXISTS stat_events_copy ON case_events",
    "DROP FUNCTION IF EXISTS stat_case_changed()",
    "DROP FUNCTION IF EXISTS stat_case_opened()",
    "DROP FUNCTION IF EXISTS stat_events_copy()",
)


def _j(row: str, key: str) -> str:
    return f"json_extract({row}.data, '$.\"{key}\"')"


SQLITE_TRIGGERS = (f"""
CREATE TRIGGER stat_events_copy AFTER INSERT ON case_events
WHEN NEW.event IN ({_COUNTED_SQL})
BEGIN
    INSERT INTO stat_events ({_STAT_COLUMNS})
    SELECT NEW.id, NEW.case_id, NEW.occurred_at, NEW.event,
           coalesce({_j('NEW', 'outcome')}, {_j('NEW', 'ruling')}, {_j('NEW', 'form')}),
           CAST({_j('NEW', 'amount_to_recover')} AS NUMERIC),
           c.kind, c.subject_type, c.subject_member_id, c.subject_org_id, c.org_id, o.level,
           {_j('c', 'body_level')}, {_j('c', 'admission')} IS NOT NULL
    FROM cases c JOIN organisations o ON o.id = c.org_id WHERE c.id = NEW.case_id;
END
""", f"""
CREATE TRIGGER stat_case_opened AFTER INSERT ON cases
BEGIN
    INSERT OR IGNORE INTO stat_phase_stays ({_STAY_COLUMNS})
    VALUES (NEW.id, NEW.phase, NEW.kind, NEW.org_id, 0, NEW.updated_at, NULL, 1);
END
""", f"""
CREATE TRIGGER stat_case_phase AFTER UPDATE OF phase ON cases
WHEN NEW.phase IS NOT OLD.phase
BEGIN
    UPDATE stat_phase_stays
    SET micros = micros + CAST(round((julianday(NEW.updated_at) - julianday(entered_at))
                                     * 86400000000) AS INTEGER),
        last_left_at = NEW.updated_at, is_current = 0
    WHERE case_id = NEW.id AND phase = OLD.phase AND is_current;
    INSERT OR IGNORE INTO stat_phase_stays ({_STAY_COLUMNS})
    VALUES (NEW.id, NEW.phase, NEW.kind, NEW.org_id, 0, NEW.updated_at, NULL, 1);
    UPDATE stat_phase_stays SET entered_at = NEW.updated_at, is_current = 1
    WHERE case_id = NEW.id AND phase = NEW.phase;
END
""", """
CREATE TRIGGER stat_case_moved AFTER UPDATE OF org_id, kind ON cases
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.kind IS NOT OLD.kind
BEGIN
    UPDATE stat_phase_stays SET org_id = NEW.org_id, kind = NEW.kind WHERE case_id = NEW.id;
END
""", f"""
CREATE TRIGGER stat_case_facts AFTER UPDATE ON cases
WHEN NEW.org_id IS NOT OLD.org_id OR NEW.kind IS NOT OLD.kind
  OR NEW.subject_type IS NOT OLD.subject_type
  OR NEW.subject_member_id IS NOT OLD.subject_member_id
  OR NEW.subject_org_id IS NOT OLD.subject_org_id
  OR {_j('NEW', 'body_level')} IS NOT {_j('OLD', 'body_level')}
  OR ({_j('NEW', 'admission')} IS NULL) IS NOT ({_j('OLD', 'admission')} IS NULL)
BEGIN
    UPDATE stat_events
    SET org_id = NEW.org_id, kind = NEW.kind, subject_type = NEW.subject_type,
        subject_member_id = NEW.subject_member_id, subject_org_id = NEW.subject_org_id,
        org_level = (SELECT level FROM organisations WHERE id = NEW.org_id),
        body_level = {_j('NEW', 'body_level')},
        is_combined = {_j('NEW', 'admission')} IS NOT NULL
    WHERE case_id = NEW.id;
END
""")
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {name}" for name in (
    "stat_case_facts", "stat_case_moved", "stat_case_phase", "stat_case_opened",
    "stat_events_copy"))


def create_triggers(connection: Any) -> None:
    statements = (PG_FUNCTIONS + PG_TRIGGERS if sqlfuncs.is_postgresql(connection)
                  else SQLITE_TRIGGERS)
    for statement in statements:
        connection.execute(sa.text(statement))


def drop_triggers(connection: Any) -> None:
    for statement in PG_DROP if sqlfuncs.is_postgresql(connection) else SQLITE_DROP:
        connection.execute(sa.text(statement))


# --- backfill ----------------------------------------------------------------


def _phase_table() -> dict[str, dict[str, str]]:
    """workflow name -> state -> phase."""
    by_name: dict[str, dict[str, str]] = defaultdict(dict)
    for definition in registry.all_definitions():
        for state in definition.states:
            by_name[definition.name][state.name] = state.phase.value
    return by_name


def phase_of_state(workflow_name: Any, to_state: Any) -> Any:
    """CASE workflow_name WHEN … THEN CASE to_state WHEN … THEN phase: the phase of
    the state an event entered (a state keeps its phase across versions)."""
    return sa.case(
        {name: sa.case(states, value=to_state) for name, states in _phase_table().items()},
        value=workflow_name,
    )



def _json_text(column: Any, key: str) -> Any:
    return column[key].as_string()


def backfill(connection: Any) -> None:
    """Fill both (empty) tables from the cases and events already there: set-based,
    one INSERT … SELECT each."""
    connection.execute(sa.insert(StatEvent).from_select(
        [c.strip() for c in _STAT_COLUMNS.split(",")], _facts_select()))
    connection.execute(sa.insert(PhaseStay).from_select(
        [c.strip() for c in _STAY_COLUMNS.split(",")], _stays_select()))


def rebuild(connection: Any) -> None:
    """Empty both tables and fill them again (after a bulk load that bypassed the triggers)."""
    connection.execute(sa.delete(StatEvent))
    connection.execute(sa.delete(PhaseStay))
    backfill(connection)


def bulk_load_statements() -> tuple[list[str], list[str]]:
    """PostgreSQL statements (plain SQL, for a raw connection) around a bulk load that
    writes cases and events behind the app's back (``bench.scale``): before it, drop
    the triggers; after it, fill both tables from the loaded rows and add them again."""
    from sqlalchemy.dialects import postgresql

    def sql(stmt: Any) -> str:
        return str(stmt.compile(dialect=postgresql.dialect(),
                                compile_kwargs={"literal_binds": True}))

    columns = ([c.strip() for c in _STAT_COLUMNS.split(",")],
               [c.strip() for c in _STAY_COLUMNS.split(",")])
    keys = [f"{t} ADD CONSTRAINT fk_{t}_case_id_cases FOREIGN KEY (case_id) REFERENCES cases (id)"
            for t in ("stat_events", "stat_phase_stays")]
    after = ["SET LOCAL work_mem = '256MB'",
             *(f"ALTER TABLE {t} DROP CONSTRAINT fk_{t}_case_id_cases"
               for t in ("stat_events", "stat_phase_stays")),
             "DELETE FROM stat_events", "DELETE FROM stat_phase_stays",
             sql(sa.insert(StatEvent).from_select(columns[0], _facts_select())),
             sql(sa.insert(PhaseStay).from_select(columns[1], _stays_select())),
             *(f"ALTER TABLE {key}" for key in keys), *PG_FUNCTIONS, *PG_TRIGGERS]
    return list(PG_DROP), after


def _facts_select() -> sa.Select[Any]:
    return (
        sa.select(
            CaseEvent.id, CaseEvent.case_id, CaseEvent.occurred_at, CaseEvent.event,
            sa.func.coalesce(_json_text(CaseEvent.data, "outcome"),
                             _json_text(CaseEvent.data, "ruling"),
                             _json_text(CaseEvent.data, "form")),
            sa.cast(_json_text(CaseEvent.data, "amount_to_recover"), sa.Numeric),
            Case.kind, Case.subject_type, Case.subject_member_id, Case.subject_org_id,
            Case.org_id, Organisation.level, _json_text(Case.data, "body_level"),
            _json_text(Case.data, "admission").is_not(None),
        )
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Organisation, Organisation.id == Case.org_id)
        .where(CaseEvent.event.in_(COUNTED_EVENTS))
        .order_by(CaseEvent.occurred_at)  # stored in time order, as the triggers add them
    )


def _stays_select() -> sa.Select[Any]:
    """Per case and phase: the finished spells (an event to the next one) summed, the
    last leaving; for the current phase, the stay under way (from the first event of
    its last run to the newest event) is not finished, so it is taken off and its
    start kept as ``entered_at``."""
    by_case = {"partition_by": CaseEvent.case_id}
    phase = phase_of_state(Case.workflow_name, CaseEvent.to_state)
    steps = (
        sa.select(
            CaseEvent.case_id.label("case_id"), phase.label("phase"),
            Case.phase.label("current"), Case.kind.label("kind"), Case.org_id.label("org_id"),
            CaseEvent.seq.label("seq"), CaseEvent.occurred_at.label("entered"),
            sa.func.lead(CaseEvent.occurred_at).over(order_by=CaseEvent.seq, **by_case)
            .label("left_at"),
            sa.func.max(CaseEvent.occurred_at).over(**by_case).label("newest"),
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .subquery("steps")
    )
    marked = sa.select(
        steps, sa.func.max(sa.case((steps.c.phase != steps.c.current, steps.c.seq)))
        .over(partition_by=steps.c.case_id).label("last_other"),
    ).subquery("marked")
    is_current = marked.c.phase == marked.c.current
    in_run = sa.and_(is_current, marked.c.seq > sa.func.coalesce(marked.c.last_other, 0))
    spent = sa.func.sum(sa.case((marked.c.left_at.is_not(None),
                                 sqlfuncs.micros_between(marked.c.entered, marked.c.left_at)),
                                else_=0))
    run_start = sa.func.min(sa.case((in_run, marked.c.entered)))
    grouped = (
        sa.select(marked.c.case_id, marked.c.phase, marked.c.kind, marked.c.org_id,
                  is_current.label("is_current"), spent.label("spent"),
                  run_start.label("run_start"), sa.func.max(marked.c.newest).label("newest"),
                  sa.func.max(marked.c.left_at).label("last_left_at"))
        .where(marked.c.phase.is_not(None))
        .group_by(marked.c.case_id, marked.c.phase, marked.c.kind, marked.c.org_id,
                  marked.c.current)
        .subquery("grouped")
    )
    g = grouped.c
    under_way = sqlfuncs.micros_between(g.run_start, g.newest)
    return sa.select(
        g.case_id, g.phase, g.kind, g.org_id,
        g.spent - sa.case((sa.and_(g.is_current, g.run_start.is_not(None)), under_way),
                          else_=0),
        sa.case((g.is_current, g.run_start)), g.last_left_at, g.is_current,
    )


# --- conditions ----------------------------------------------------------------


def adapt(conditions: list[sa.ColumnElement[bool]], table: Any,
          ) -> list[sa.ColumnElement[bool]]:
    """The report's conditions (built on ``cases.org_id`` and ``cases.kind``) on the
    same-named columns of a summary table; any other case column is refused."""
    cases = Case.__table__

    def swap(element: Any) -> Any:
        if isinstance(element, sa.Column) and element.table is cases:
            if element.name not in ("org_id", "kind"):
                raise ValueError(f"statistics: no summary column for cases.{element.name}")
            return table.c[element.name]
        return None

    return [visitors.replacement_traverse(c, {}, swap) for c in conditions]
