"""Operator logs: JSON lines with request fields, or plain text; never twice."""

from __future__ import annotations

import io
import json
import logging

import pytest
from flask import abort

from hgkiemtra.app import create_app
from hgkiemtra.config import ConfigError, load_settings
from hgkiemtra.core.logs import JsonFormatter, configure_logging, hand_over_to_celery
from tests.conftest import TEST_SECRET_KEY


@pytest.fixture()
def stream():
    buffer = io.StringIO()
    yield buffer
    configure_logging("INFO", "text")  # leave a normal handler for the other tests


def _app(tmp_path, fmt: str):
    app = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET_KEY,
                      "INSTANCE_DIR": str(tmp_path), "LOG_FORMAT": fmt})
    log = logging.getLogger("hgkiemtra.test")

    def noisy():
        log.warning("checked %d cases", 3)
        try:
            raise ZeroDivisionError("division by zero")
        except ZeroDivisionError:
            log.exception("failed")
        abort(418)

    app.add_url_rule("/_noisy", "noisy", noisy)
    return app


def test_json_lines_carry_the_request_fields(tmp_path, stream):
    app = _app(tmp_path, "json")
    configure_logging("INFO", "json", stream)
    from hgkiemtra.web.request_log import init_request_log
    init_request_log(app)
    response = app.test_client().get("/_noisy", headers={"X-Request-ID": "nginx-req-12345678"})
    assert response.headers["X-Request-ID"] == "nginx-req-12345678"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["checked 3 cases", "failed"]
    first = lines[0]
    assert first["level"] == "WARNING" and first["logger"] == "hgkiemtra.test"
    assert first["request_id"] == "nginx-req-12345678"
    assert (first["method"], first["path"]) == ("GET", "/_noisy")
    assert first["ts"].endswith("+00:00")
    assert "ZeroDivisionError" in lines[1]["exc"]


def test_a_malformed_request_id_is_replaced(tmp_path, stream):
    app = _app(tmp_path, "json")
    response = app.test_client().get("/_noisy", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_text_lines_outside_a_request(stream):
    configure_logging("INFO", "text", stream)
    logging.getLogger("hgkiemtra.worker").info("tick: %d due", 5)
    assert stream.getvalue().rstrip().endswith("INFO hgkiemtra.worker [-] tick: 5 due")


def test_configuring_twice_keeps_one_handler(stream):
    configure_logging("INFO", "json", stream)
    configure_logging("DEBUG", "json", stream)
    logging.getLogger("hgkiemtra.x").debug("once")
    assert stream.getvalue().count('"once"') == 1


def test_in_a_celery_worker_the_root_handler_takes_our_format(stream):
    configure_logging("INFO", "json", stream)
    root = logging.Logger("celery-root")
    celery_stream = io.StringIO()
    root.addHandler(logging.StreamHandler(celery_stream))
    hand_over_to_celery(root)
    assert isinstance(root.handlers[0].formatter, JsonFormatter)
    assert [h for h in logging.getLogger("hgkiemtra").handlers if h.get_name() == "hgkiemtra"] \
        == []


@pytest.mark.parametrize(("name", "value"), [("HGKIEMTRA_LOG_FORMAT", "xml"),
                                             ("HGKIEMTRA_LOG_LEVEL", "LOUD")])
def test_bad_logging_settings_are_refused(name, value):
    with pytest.raises(ConfigError, match=name.removeprefix("HGKIEMTRA_")):
        load_settings({name: value})
