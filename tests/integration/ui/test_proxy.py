"""Behind nginx (HGKIEMTRA_PROXY_HOPS=1) the client address and scheme come from
the proxy's headers; served directly, those headers are ignored, so a client
cannot forge its address to slip past the login throttle."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, request

from hgkiemtra.app import create_app
from hgkiemtra.config import ConfigError, load_settings
from tests.conftest import TEST_SECRET_KEY


def _app(tmp_path: Path, database_url: str, hops: int) -> Flask:
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url,
                      "SECRET_KEY": TEST_SECRET_KEY, "INSTANCE_DIR": str(tmp_path),
                      "PROXY_HOPS": hops})
    app.add_url_rule("/_peer", "peer", lambda: f"{request.remote_addr} {request.scheme}")
    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_one_proxy_hop_takes_the_client_address_and_scheme_from_nginx(tmp_path, database_url):
    client = _app(tmp_path, database_url, 1).test_client()
    answer = client.get("/_peer", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "203.0.113.7 https"


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path, database_url):
    client = _app(tmp_path, database_url, 0).test_client()
    answer = client.get("/_peer", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_data(as_text=True) == "127.0.0.1 http"


@pytest.mark.parametrize("hops", ["-1", "6", "two"])
def test_a_bad_hop_count_is_refused(hops):
    with pytest.raises(ConfigError, match="PROXY_HOPS"):
        load_settings({"HGKIEMTRA_PROXY_HOPS": hops})
