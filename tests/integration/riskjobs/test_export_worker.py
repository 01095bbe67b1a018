"""An export job run by a real Celery worker (a subprocess on Redis), as in production."""

from __future__ import annotations

import io
from pathlib import Path

from celery import Celery
from flask import Flask
from openpyxl import load_workbook

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases.queries import CaseFilter
from hgkiemtra.core.db import db
from hgkiemtra.exports import service
from hgkiemtra.exports.models import ExportJob
from hgkiemtra.exports.tasks import RUN_TASK
from tests import factories as f
from tests.integration.reminders.test_worker import (  # noqa: F401 - fixtures
    HGKIEMTRA,
    Worker,
    _env,
    redis_keys_cleaned,
    unique,
)


def _status(job_id: int) -> str:
    db.session.rollback()  # a fresh snapshot: the worker commits in another process
    return db.session.get(ExportJob, job_id, populate_existing=True).status


def test_a_worker_runs_the_job_and_writes_the_file(
    committed: Flask, redis_url: str, redis_keys_cleaned: None, unique: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    w = f.world()
    titles = [f"Hồ sơ {n}" for n in range(3)]
    for title in titles:
        f.case(w, title)
    job = service.create_case_job(Actor.for_user(w.chair), "cases_xlsx", CaseFilter())
    db.session.commit()
    storage = tmp_path / "storage"
    env = _env(tmp_path, DATABASE_URL=committed.config["SETTINGS"].DATABASE_URL,
               REDIS_URL=redis_url, STORAGE_DIR=storage)
    command = [str(HGKIEMTRA), "worker", "--pool=solo", "-Q", unique, "-n", f"{unique}@%h",
               "--without-mingle", "--without-gossip", "--without-heartbeat",
               "--loglevel=INFO"]
    worker = Worker(command, env, tmp_path / "worker.log")
    producer = Celery("hgk-test-producer", broker=redis_url, set_as_current=False)
    try:
        producer.send_task(RUN_TASK, (job.id,), queue=unique)
        worker.wait_for(lambda: _status(job.id) == "done", "the export job")
    finally:
        worker.stop()
        producer.close()
    done = db.session.get(ExportJob, job.id)
    assert (done.rows_done, done.rows_total, done.progress) == (3, 3, 100)
    path = storage / "exports" / done.file_name
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == titles
