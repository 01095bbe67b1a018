"""Issue 7 item 2: the peer — the same inspection lifecycle run with SpiffWorkflow.

bench/inspection.bpmn models the states the service bench walks (user tasks
in sequence). Each workflow's serialized JSON lives in a PostgreSQL table, and
every step does what a stateless web request of a BPMN engine does: read the
row FOR UPDATE, deserialize, complete the ready user task with the event's
data, run the engine, serialize, write the row back, commit
(synchronous_commit as the server has it, on for this bench).
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import psycopg

from bench.common import HERE, STEPS, conninfo

BPMN = HERE / "inspection.bpmn"
PROCESS = "inspection"


@cache
def _spec() -> Any:
    from SpiffWorkflow.bpmn.parser import BpmnParser

    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec(PROCESS)


@cache
def _serializer() -> Any:
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

    return BpmnWorkflowSerializer()


def new_workflow_json() -> str:
    """A started workflow waiting at its first user task, serialized."""
    from SpiffWorkflow.bpmn import BpmnWorkflow

    workflow = BpmnWorkflow(_spec())
    workflow.do_engine_steps()
    return str(_serializer().serialize_json(workflow))


def step(serialized: str, event: str, data: dict[str, Any]) -> tuple[str, bool]:
    """Complete the user task ``event`` (it must be the one ready); the new
    serialization and whether the workflow has ended."""
    from SpiffWorkflow.util.task import TaskState

    workflow = _serializer().deserialize_json(serialized)
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    if [t.task_spec.name for t in ready] != [event]:
        raise RuntimeError(f"spiff: {event} is not the ready task ({ready})")
    task = ready[0]
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()
    return str(_serializer().serialize_json(workflow)), bool(workflow.is_completed())


def spiff_table(url: str, n: int) -> list[int]:
    """``n`` workflows at their first task, stored (not timed, like opening cases)."""
    initial = new_workflow_json()
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_spiff")
        conn.execute("CREATE TABLE bench_spiff (id serial primary key, workflow jsonb not null, "
                     "completed boolean not null default false, updated_at timestamptz)")
        with conn.cursor().copy("COPY bench_spiff (workflow) FROM STDIN") as copy:
            for _ in range(n):
                copy.write_row((initial,))
    return list(range(1, n + 1))


def spiff_worker(url: str, ids: list[int]) -> tuple[float, float, list[float]]:
    _spec(), _serializer()  # parse the model before the clock starts
    latencies = []
    with psycopg.connect(conninfo(url)) as conn:
        start = time.time()
        for workflow_id in ids:
            for event, data in STEPS:
                t0 = time.perf_counter()
                row = conn.execute("SELECT workflow::text FROM bench_spiff WHERE id = %s "
                                   "FOR UPDATE", (workflow_id,)).fetchone()
                assert row is not None
                serialized, completed = step(row[0], event, data)
                conn.execute("UPDATE bench_spiff SET workflow = %s, completed = %s, "
                             "updated_at = now() WHERE id = %s",
                             (serialized, completed, workflow_id))
                conn.commit()
                latencies.append(time.perf_counter() - t0)
        end = time.time()
    return start, end, latencies


def check_completed(url: str) -> int:
    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute("SELECT count(*) FROM bench_spiff WHERE completed").fetchone()
    return int(row[0]) if row else 0
