"""Error pages for people: HTTP errors and the domain errors the views let through.

Domain errors are mapped here once for the whole UI: NotFound is a 404 page,
PermissionDenied a 403 page, a stale version a 409 page, anything else a 422
page with the service's message. Under /api/v1 the JSON shape of api/errors.py
is kept. Every error rolls the session back.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from hgkiemtra.api.errors import (
    database_unavailable_response,
    error_response,
    http_error_response,
    is_api_path,
    is_connection_loss,
    safe_rollback,
)
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError, NotFound, PermissionDenied, VersionConflict
from hgkiemtra.web.i18n import translate

log = logging.getLogger("hgkiemtra.web")


def init_errors(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    db.session.rollback()
    return render_template("errors/error.html", status=status, title=title, message=message), status


def domain_error(exc: DomainError) -> Response | tuple[str, int]:
    if is_api_path(request.path):
        return error_response(exc.http_status, exc.code, exc.message, exc.details)
    if isinstance(exc, NotFound):
        return not_found_page()
    if isinstance(exc, PermissionDenied):
        return forbidden_page()
    if isinstance(exc, VersionConflict):
        return error_page(409, _("Hồ sơ vừa thay đổi"), _(
            "Hồ sơ đã được người khác cập nhật trong lúc bạn thao tác; chưa có gì được lưu. "
            "Hãy mở lại hồ sơ và thử lại."))
    # A workflow reason may be a Msg: shown in the reader's language.
    return error_page(422, _("Chưa thực hiện được"), translate(exc.message))


def not_found_page() -> tuple[str, int]:
    return error_page(404, _("Không tìm thấy"), _(
        "Trang hoặc hồ sơ này không tồn tại, hoặc nằm ngoài phạm vi bạn được xem."))


def forbidden_page() -> tuple[str, int]:
    return error_page(403, _("Không có quyền"), _(
        "Vai trò của bạn không được thực hiện thao tác này."))


def csrf_error(exc: CSRFError) -> Response | tuple[str, int]:
    if is_api_path(request.path):
        return http_error_response(exc)
    return error_page(400, _("Biểu mẫu đã hết hạn"), _(
        "Biểu mẫu thiếu mã bảo vệ hoặc mã đã hết hạn (có thể do phiên đăng nhập đã kết thúc). "
        "Hãy tải lại trang rồi gửi lại."))


def http_error(exc: HTTPException) -> Response | tuple[str, int]:
    if is_api_path(request.path):
        return http_error_response(exc)
    status = exc.code or 500
    if status == 404:
        return not_found_page()
    if status == 403:
        return forbidden_page()
    if status == 413:
        limit = current_app.config["SETTINGS"].MAX_UPLOAD_MB
        return error_page(413, _("Tệp quá lớn"), _(
            "Tệp gửi lên lớn hơn giới hạn %(mb)d MB. Hãy chia nhỏ hoặc nén tệp rồi thử lại.",
            mb=limit))
    if status == 429:
        return error_page(429, _("Quá nhiều lần thử"), _(
            "Bạn đã thử quá nhiều lần trong thời gian ngắn. Hãy chờ vài phút rồi thử lại."))
    if status == 405:
        return error_page(405, _("Thao tác không hợp lệ"), _(
            "Địa chỉ này không nhận kiểu yêu cầu vừa gửi."))
    if status >= 500:
        return server_error(exc)
    return error_page(status, _("Yêu cầu không hợp lệ"), _(
        "Yêu cầu không hợp lệ. Hãy quay lại trang trước và thử lại."))


def database_error(exc: DBAPIError) -> Response | tuple[str, int]:
    """A lost or refused database connection: nothing was written, try again (503).

    The transaction died with the connection, so the request's changes are gone
    as a whole; the pool drops the dead connection (pre-ping) and the next
    request reconnects. Any other database error is a bug: a 500.
    """
    if not is_connection_loss(exc):
        return server_error(exc)
    log.warning("database unavailable in %s %s: %s", request.method, request.path,
                type(exc.orig or exc).__name__)
    if is_api_path(request.path):
        return database_unavailable_response()
    safe_rollback()
    title = _("Tạm thời gián đoạn")
    message = _("Không kết nối được cơ sở dữ liệu; thao tác chưa được lưu. "
                "Hãy thử lại sau ít phút.")
    try:
        body = render_template("errors/error.html", status=503, title=title, message=message)
    except DBAPIError:  # the page's header needs the database too: say it plainly
        db.session.close()
        body = (f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
                f"<p>{escape(message)}</p>")
    response = Response(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = "5"
    return response


def server_error(exc: Exception) -> Response | tuple[str, int]:
    original = getattr(exc, "original_exception", None) or exc
    if is_api_path(request.path):
        return error_response(500, "internal_error", "Lỗi hệ thống; yêu cầu chưa được thực hiện")
    log.error("unexpected error in %s %s", request.method, request.path, exc_info=original)
    return error_page(500, _("Lỗi hệ thống"), _(
        "Đã có lỗi ngoài dự kiến; thao tác chưa được thực hiện. "
        "Hãy thử lại; nếu lỗi lặp lại, báo cho quản trị viên."))
