"""Request ids and request fields on log records.

Behind nginx the id comes from its ``X-Request-ID`` header (``proxy_set_header
X-Request-ID $request_id;``) so one id follows a request through nginx's and
the application's logs; otherwise one is made here. Either way it is sent back
on the response for the user to quote in a report.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from werkzeug.wrappers import Response

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def init_request_log(app: Flask) -> None:
    app.before_request(_assign_id)
    app.after_request(_echo_id)
    for handler in logging.getLogger("hgkiemtra").handlers:
        handler.addFilter(_RequestFields())


def _assign_id() -> None:
    offered = request.headers.get(HEADER, "")
    g.request_id = offered if _WELL_FORMED.match(offered) else uuid.uuid4().hex


def _echo_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[HEADER] = g.request_id
    return response


class _RequestFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            record.method = request.method
            record.path = request.path
            user = current_user._get_current_object() if "_login_user" in g else None
            record.user_id = getattr(user, "id", None) or "-"
        return True
