"""Check a response against the published OpenAPI document.

A small JSON Schema subset (the keywords pydantic emits), so the tests need no
extra dependency: $ref, anyOf, enum, type, properties/required/
additionalProperties, items/prefixItems, lengths, bounds, date formats.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from werkzeug.test import TestResponse

PREFIX = "/api/v1"
TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def find_operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    bare = (PREFIX + path).split("?", 1)[0]
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template)) + "$"
        if re.match(pattern, bare) and method in item:
            return item[method]
    raise AssertionError(f"{method.upper()} {bare} is not in openapi.json")


def check_response(doc: dict[str, Any], method: str, path: str, response: TestResponse) -> None:
    op = find_operation(doc, method, path)
    spec = op["responses"].get(str(response.status_code)) or op["responses"].get("default")
    assert spec, f"status {response.status_code} undocumented for {method} {path}"
    assert response.mimetype == "application/json", response.data[:200]
    schema = spec["content"]["application/json"]["schema"]
    problems = validate(response.get_json(), schema, doc)
    assert not problems, f"{method.upper()} {path} {response.status_code}: {problems}"
    for header in spec.get("headers", {}):
        assert header in response.headers, f"{header} missing from {response.status_code}"


def validate(value: Any, schema: dict[str, Any], doc: dict[str, Any], at: str = "$") -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return validate(value, doc["components"]["schemas"][name], doc, at)
    if "anyOf" in schema:
        if all(validate(value, s, doc, at) for s in schema["anyOf"]):
            return [f"{at}: matches no anyOf branch: {value!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} not in enum"]
    kind = schema.get("type")
    if kind and not TYPES[kind](value):
        return [f"{at}: expected {kind}, got {type(value).__name__}"]
    if kind == "object":
        return _object(value, schema, doc, at)
    if kind == "array":
        return _array(value, schema, doc, at)
    if kind == "string":
        return _string(value, schema, at)
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            return [f"{at}: {value} out of bounds"]
    return []


def _object(
    value: dict[str, Any], schema: dict[str, Any], doc: dict[str, Any], at: str
) -> list[str]:
    problems = [f"{at}.{k}: required" for k in schema.get("required", []) if k not in value]
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            problems += validate(item, props[key], doc, f"{at}.{key}")
        elif extra is False:
            problems.append(f"{at}.{key}: not declared")
        elif isinstance(extra, dict):
            problems += validate(item, extra, doc, f"{at}.{key}")
    return problems


def _array(value: list[Any], schema: dict[str, Any], doc: dict[str, Any], at: str) -> list[str]:
    problems = []
    if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 10**9):
        problems.append(f"{at}: {len(value)} items out of bounds")
    prefix = schema.get("prefixItems", [])
    for i, item in enumerate(value):
        sub = prefix[i] if i < len(prefix) else schema.get("items", {})
        problems += validate(item, sub, doc, f"{at}[{i}]")
    return problems


def _string(value: str, schema: dict[str, Any], at: str) -> list[str]:
    if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
        return [f"{at}: length out of bounds"]
    parse = {"date": date.fromisoformat, "date-time": datetime.fromisoformat}.get(
        schema.get("format", "")
    )
    try:
        if parse:
            parse(value)
    except ValueError:
        return [f"{at}: {value!r} is not a {schema['format']}"]
    return []
