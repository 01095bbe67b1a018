"""Typed domain errors, mapped once to HTTP codes (api) and form messages (views)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    http_status = 403


class ValidationFailed(DomainError):
    code = "validation_error"
    http_status = 422


class GuardFailed(DomainError):
    code = "guard_failed"
    http_status = 422

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message, {"reasons": reasons})
        self.reasons = reasons


class TransitionRejected(DomainError):
    """The event is unknown or cannot fire from the current state."""

    code = "transition_not_allowed"
    http_status = 422


class VersionConflict(DomainError):
    code = "version_conflict"
    http_status = 409
