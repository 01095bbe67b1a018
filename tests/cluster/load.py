"""The cluster test's clients, all speaking HTTP to nginx only.

``ApiClient`` walks its own cases along the inspection path through the API
with a bearer token and keeps a ledger of the transitions the API
acknowledged (200). A POST answered 5xx has an unknown outcome (it may have
committed on a node that died before answering): the client reads the case
again and goes on from what is stored, as test_postgres_restart.py does.

``Browser`` signs in through the login form (cookie session, CSRF token) and
keeps reading pages; nginx's ``X-Upstream`` header says which node answered.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

NEXT = {  # state -> (event, data, who fires it)
    "proposed": ("decide", {"decision_number": "15-QĐ/UBKT", "decision_date": "2026-03-02"},
                 "chair"),
    "decided": ("launch", {}, "inspector"),
    "launched": ("request_explanation", {}, "inspector"),
    "subject_reporting": ("receive_explanation", {}, "inspector"),
    "verifying": ("draft_report", {}, "inspector"),
    "draft_report": ("submit_report", {}, "inspector"),
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic()
    method: str
    path: str
    status: int
    upstream: str
    request_id: str  # the app's X-Request-ID: nginx's $request_id when it passed one on


class Http:
    """One keep-alive connection to nginx, opened again after any failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.answers: list[Answer] = []
        self.retries = 0  # requests sent again on a new connection

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        for attempt in range(3):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=40)
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                # nginx itself never dies in this test: a closed keep-alive is all it can be.
                self.close()
                if attempt == 2:
                    raise
                self.retries += 1
                continue
            head = {k.lower(): v for k, v in response.getheaders()}
            if "set-cookie" in head:
                head["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
            self.answers.append(Answer(time.monotonic(), method, path, response.status,
                                       head.get("x-upstream", ""), head.get("x-request-id", "")))
            return response.status, head, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class ApiClient(threading.Thread):
    def __init__(self, port: int, tokens: dict[str, str], case_ids: list[int],
                 stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.http = Http(port)
        self.tokens, self.case_ids, self.stop = tokens, case_ids, stop
        self.ledger: list[tuple[int, str, str]] = []  # case, event, state reached
        self.unknown_outcomes = 0  # POSTs answered 5xx
        self.error: BaseException | None = None

    def call(self, method: str, path: str, role: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[role]}",
                   "Content-Type": "application/json"}
        payload = json.dumps(body).encode() if body is not None else None
        retries = self.http.retries
        status, _, data = self.http.request(method, "/api/v1" + path, payload, headers)
        if method == "POST" and self.http.retries != retries:
            self.unknown_outcomes += 1  # the first attempt may have been applied
        try:
            return status, json.loads(data or b"null")
        except ValueError:
            return status, data[:200]

    def run(self) -> None:
        try:
            for case_id in self.case_ids:
                if self.stop.is_set():
                    break
                self.advance(case_id)
        except BaseException as exc:  # surfaced by the test
            self.error = exc
        finally:
            self.http.close()

    def advance(self, case_id: int) -> None:
        while not self.stop.is_set():
            status, case = self.call("GET", f"/cases/{case_id}", "inspector")
            if status >= 500:
                time.sleep(0.1)
                continue
            assert status == 200, (status, case)
            if case["state"] not in NEXT:
                return
            event, data, role = NEXT[case["state"]]
            status, body = self.call("POST", f"/cases/{case_id}/events", role,
                                     {"event": event, "version": case["version"], "data": data})
            if status == 200:
                self.ledger.append((case_id, event, body["state"]))
            elif status >= 500:
                self.unknown_outcomes += 1
            else:  # our own unacknowledged commit moved it: read again
                assert status == 409, (status, body)


class Browser(threading.Thread):
    """A person signed in once, reading the dashboard and a case page in turn."""

    def __init__(self, port: int, email: str, password: str, name: str, case_id: int,
                 stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.http = Http(port)
        self.email, self.password, self.name, self.case_id = email, password, name, case_id
        self.stop = stop
        self.cookies: dict[str, str] = {}
        self.pages: list[tuple[Answer, bool]] = []  # answer, still signed in
        self.error: BaseException | None = None

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        status, head, data = self.http.request("GET", path, headers=self._cookie_header())
        self._keep_cookies(head)
        return status, head, data.decode(errors="replace")

    def sign_in(self) -> None:
        """Through the login form; a POST caught on a dying node (502) is tried again."""
        for _ in range(3):
            if self._sign_in():
                return
        raise AssertionError("could not sign in three times over")

    def _sign_in(self) -> bool:
        status, _, page = self.get("/login")
        assert status == 200, status
        match = _CSRF.search(page)
        assert match, "no CSRF token on the login page"
        form = urllib.parse.urlencode({"csrf_token": match.group(1), "email": self.email,
                                       "password": self.password, "next": "/"})
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   **self._cookie_header()}
        status, head, _ = self.http.request("POST", "/login", form.encode(), headers)
        if status == 502:
            return False
        self._keep_cookies(head)
        assert status == 302 and "/login" not in head.get("location", ""), (status, head)
        return True

    def run(self) -> None:
        try:
            self.sign_in()
            paths = ["/", f"/cases/{self.case_id}"]
            turn = 0
            while not self.stop.is_set():
                status, head, page = self.get(paths[turn % 2])
                signed_in = status == 200 and self.name in page and 'action="/login"' not in page
                self.pages.append((self.http.answers[-1], signed_in))
                turn += 1
                time.sleep(0.05)
        except BaseException as exc:  # surfaced by the test
            self.error = exc
        finally:
            self.http.close()

    def upstreams(self) -> Counter[str]:
        return Counter(answer.upstream for answer, _ in self.pages)

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep_cookies(self, head: dict[str, str]) -> None:
        for line in head.get("set-cookie", "").split("\n"):
            if not line:
                continue
            jar: SimpleCookie = SimpleCookie()
            jar.load(line)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
