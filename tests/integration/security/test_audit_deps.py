"""`make audit-deps` (.ci/audit_deps.py) runs the real pip-audit over this environment.

The vulnerability services are not reachable from the test machine, so pip-audit
is pointed (``--osv-url``) at a small local server speaking OSV's query API, as
the S3 tests use a local S3 server: a known vulnerability fails the audit, an
accepted one (with its reason) does not, and a service that cannot be reached is
reported as "not run" — never as a clean audit.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "audit_deps.py"
VULNERABLE = "itsdangerous"  # a dependency of Flask: always installed
VULN_ID = "HGK-TEST-0001"


class Osv(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        Osv.asked.append(name)
        found = {} if name != VULNERABLE else {"vulns": [{
            "id": VULN_ID, "summary": "test advisory", "affected": [{
                "package": {"name": VULNERABLE, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"},
                                                           {"fixed": "999"}]}]}]}]}
        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture()
def osv_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Osv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Osv.asked = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--service", "osv", *args],  # noqa: S603
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_known_vulnerability_fails_the_audit(osv_url, tmp_path):
    done = run("--osv-url", osv_url, "--ignore-file", str(tmp_path / "none"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"VULNERABLE {VULNERABLE} " in done.stdout and VULN_ID in done.stdout
    assert VULNERABLE in Osv.asked and len(Osv.asked) > 20  # the whole environment


def test_an_accepted_vulnerability_with_its_reason_passes(osv_url, tmp_path):
    ignore = tmp_path / "audit-ignore"
    ignore.write_text(f"# reviewed\n{VULN_ID}  test advisory: not reachable from our code\n")
    done = run("--osv-url", osv_url, "--ignore-file", str(ignore))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "audit-deps: osv: audited" in done.stdout and "VULNERABLE" not in done.stdout


def test_an_accepted_vulnerability_needs_a_reason(osv_url, tmp_path):
    ignore = tmp_path / "audit-ignore"
    ignore.write_text(f"{VULN_ID}\n")
    done = run("--osv-url", osv_url, "--ignore-file", str(ignore))
    assert done.returncode == 1 and "needs a reason" in done.stderr
    assert Osv.asked == []


def test_an_unreachable_service_is_not_run_never_clean(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    args = ("--osv-url", f"http://127.0.0.1:{closed}/v1/query",
            "--ignore-file", str(tmp_path / "none"))
    done = run(*args)
    assert done.returncode == 3 and done.stdout.startswith("audit-deps: not run: osv:")
    allowed = run(*args, "--allow-unreachable")
    assert allowed.returncode == 0 and "not run" in allowed.stdout
    assert "No known vulnerabilities" not in done.stdout + allowed.stdout
