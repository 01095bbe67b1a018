"""Logging for operators: plain lines for a terminal, or one JSON object per
line (``HGKIEMTRA_LOG_FORMAT=json``) for journald, Loki or Elasticsearch.

The application's loggers live under ``hgkiemtra``; one handler is attached
there, not to the root logger, which gunicorn leaves empty and Celery's
worker fills with its own handler: in a worker, ``hand_over_to_celery`` moves
our format onto Celery's handler and drops ours, so a record is written once. Records
carry request fields (request id, method, path, user) when the web layer
adds them (hgkiemtra/web/request_log.py). Messages never hold case contents
or a denouncer's identity: they name ids, not people.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

FORMATS = ("text", "json")
CONTEXT_FIELDS = ("request_id", "method", "path", "user_id", "task_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_HANDLER_NAME = "hgkiemtra"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value not in (None, "", "-"):
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _Defaults(logging.Filter):
    """Records from outside a request still format: the context fields read '-'."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, "-")
        return True


def configure_logging(level: str, fmt: str, stream: TextIO | None = None) -> logging.Handler:
    """(Re)attach the one ``hgkiemtra`` handler; calling again replaces it."""
    logger = logging.getLogger("hgkiemtra")
    logger.setLevel(level.upper())
    for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(_Defaults())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logger.addHandler(handler)
    return handler


def hand_over_to_celery(root: logging.Logger) -> None:
    """In a Celery worker: its root handler writes our records, in our format."""
    ours = logging.getLogger("hgkiemtra")
    mine = [h for h in ours.handlers if h.get_name() == _HANDLER_NAME]
    for handler in mine:
        ours.removeHandler(handler)
    if mine and isinstance(mine[0].formatter, JsonFormatter):
        for handler in root.handlers:
            handler.addFilter(_Defaults())
            handler.setFormatter(JsonFormatter())
