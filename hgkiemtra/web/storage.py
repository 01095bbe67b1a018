"""The application's document storage, and sending a stored file as a download.

The storage is built once per process (``create_app``) from
HGKIEMTRA_STORAGE_URL; views and tasks reach it here. A storage that cannot
be reached (a bucket that is down) is a 503 with a retry hint, like a
database that is down, never a 500.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request, send_file
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from hgkiemtra.api.errors import error_response, is_api_path
from hgkiemtra.core.storage import Storage, StorageError

log = logging.getLogger("hgkiemtra.web")


def current_storage() -> Storage:
    storage: Storage = current_app.extensions["storage"]
    return storage


def send_stored(storage: Storage, key: str, *, mimetype: str, download_name: str,
                size: int | None = None) -> Response:
    """An attachment streamed from the storage (a local file is sent by path)."""
    path = storage.local_path(key)
    if path is not None:
        return send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=download_name, max_age=0)
    response = send_file(storage.open(key), mimetype=mimetype, as_attachment=True,
                         download_name=download_name, max_age=0)
    if size is not None:
        response.content_length = size
    return response


def storage_unavailable(exc: StorageError) -> Response | tuple[str, int]:
    log.warning("storage unavailable in %s %s: %s", request.method, request.path, exc)
    response: Response
    if is_api_path(request.path):
        response = error_response(503, "storage_unavailable",
                                  "Kho tài liệu tạm thời không truy cập được; "
                                  "yêu cầu chưa được thực hiện, hãy thử lại")
    else:
        body = render_template("errors/error.html", status=503, title=_("Tạm thời gián đoạn"),
                               message=_("Không đọc hoặc ghi được kho tài liệu; thao tác chưa "
                                         "được lưu. Hãy thử lại sau ít phút."))
        response = Response(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = "5"
    return response


def init_storage(app: Flask) -> None:
    app.register_error_handler(StorageError, storage_unavailable)
