"""Reading requests: the JSON body (type, size, syntax, shape) and the query string.

Everything a client can send wrongly becomes a typed error here (400, 413,
415, 422) before any service is called, so bad input never reaches the
database as a 500.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError

from hgkiemtra.api.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from hgkiemtra.core.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> M:
    if not _is_json(request.mimetype):
        raise UnsupportedMediaType(
            "Nội dung phải là JSON (Content-Type: application/json)",
            {"content_type": request.mimetype or None},
        )
    payload = _decode(_read_limited(max_json_bytes()))
    _check_strings(payload)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise _validation_failed("Dữ liệu gửi lên không hợp lệ", exc) from None


def query_args(model: type[M], **context: Any) -> M:
    args = dict(request.args.items())  # the first value of a repeated parameter
    if any("\x00" in key or "\x00" in value for key, value in args.items()):
        raise ValidationFailed("Tham số truy vấn không được chứa ký tự NUL")
    try:
        return model.model_validate(args, context=context)
    except ValidationError as exc:
        raise _validation_failed("Tham số truy vấn không hợp lệ", exc) from None


def max_json_bytes() -> int:
    return int(current_app.config["SETTINGS"].MAX_JSON_KB) * 1024


def per_page_max() -> int:
    return int(current_app.config["SETTINGS"].API_PAGE_SIZE_MAX)


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _read_limited(limit: int) -> bytes:
    too_large = PayloadTooLarge(
        f"Nội dung JSON vượt quá giới hạn {limit // 1024} KiB", {"max_bytes": limit}
    )
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise too_large
    return raw


def _decode(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("Nội dung không phải văn bản UTF-8") from None
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise BadRequest("JSON lồng nhau quá sâu") from None
    except ValueError as exc:
        raise BadRequest(f"JSON không hợp lệ: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} không phải giá trị JSON hợp lệ")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"số {text} vượt quá giới hạn")
    return value


def _check_strings(payload: Any) -> None:
    """PostgreSQL text cannot hold NUL, and lone surrogates cannot be encoded."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            _check_string(item)


def _check_string(text: str) -> None:
    if "\x00" in text:
        raise ValidationFailed("Chuỗi ký tự không được chứa ký tự NUL (\\u0000)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed("Chuỗi ký tự chứa mã Unicode không hợp lệ") from None


def _validation_failed(message: str, exc: ValidationError) -> ValidationFailed:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    details = [
        {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]} for e in errors
    ]
    first = details[0]
    where = ".".join(first["loc"]) or "body"
    return ValidationFailed(f"{message}: {where}: {first['msg']}", {"errors": details})
