"""One JSON error shape for everything under /api/v1, mapped in one place.

``{"error": code, "message": text, "details": ...}``: domain errors carry their
own code and HTTP status; HTTP errors raised by Flask or Werkzeug (unknown
route, wrong method, oversized body) get the same shape. Every error rolls the
session back, so nothing half-done can be committed by a later request.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from hgkiemtra.api import bp
from hgkiemtra.core.db import db
from hgkiemtra.core.errors import DomainError

log = logging.getLogger("hgkiemtra.api")

API_PREFIX = bp.url_prefix or "/api/v1"


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class BadRequest(DomainError):
    code = "bad_request"
    http_status = 400


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    http_status = 413


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    http_status = 415


HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ"),
    401: ("unauthorized", "Cần đăng nhập (Authorization: Bearer <token>)"),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này"),
    404: ("not_found", "Không tìm thấy địa chỉ này trong API"),
    405: ("method_not_allowed", "Phương thức HTTP không được hỗ trợ tại địa chỉ này"),
    409: ("conflict", "Xung đột dữ liệu"),
    413: ("payload_too_large", "Nội dung gửi lên quá lớn"),
    415: ("unsupported_media_type", "Nội dung phải là JSON (Content-Type: application/json)"),
    422: ("validation_error", "Dữ liệu không hợp lệ"),
    429: ("too_many_requests", "Quá nhiều yêu cầu; hãy thử lại sau"),
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    db.session.rollback()
    response = jsonify({"error": code, "message": message, "details": details})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_error_response(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, message = HTTP_ERRORS.get(status, ("http_error", exc.description or exc.name))
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return error_response(status, code, message, None, headers)


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    return error_response(exc.http_status, exc.code, exc.message, exc.details)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return http_error_response(exc)


def is_connection_loss(exc: DBAPIError) -> bool:
    """The database went away (terminated, restarted, unreachable): not a bug, retryable."""
    return bool(exc.connection_invalidated) or isinstance(exc, OperationalError)


def safe_rollback() -> None:
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()


def database_unavailable_response() -> Response:
    safe_rollback()
    response = error_response(503, "database_unavailable",
                              "Cơ sở dữ liệu tạm thời không truy cập được; "
                              "yêu cầu chưa được thực hiện, hãy thử lại")
    response.headers["Retry-After"] = "5"
    return response


@bp.errorhandler(DBAPIError)
def _database_error(exc: DBAPIError) -> Response:
    if not is_connection_loss(exc):
        return _unexpected_error(exc)
    log.warning("database unavailable in %s %s: %s", request.method, request.path,
                type(exc.orig or exc).__name__)
    return database_unavailable_response()


@bp.errorhandler(Exception)
def _unexpected_error(exc: Exception) -> Response:
    log.exception("unexpected error in %s %s", request.method, request.path)
    return error_response(500, "internal_error", "Lỗi hệ thống; yêu cầu chưa được thực hiện")


@bp.before_app_request
def _routing_error() -> Response | None:
    """Unknown routes and wrong methods under /api/v1 answer JSON too.

    Routing fails before any blueprint is chosen, so a blueprint error handler
    never sees these; the routing exception is waiting on the request instead.
    """
    exc = request.routing_exception
    if exc is None or isinstance(exc, RequestRedirect) or not is_api_path(request.path):
        return None
    if isinstance(exc, HTTPException):
        return http_error_response(exc)
    return None
