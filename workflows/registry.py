"""Every workflow definition, by name and version."""

from __future__ import annotations

from workflows.definitions import inspection_violation_v1
from workflows.engine import WorkflowDefinition

_DEFINITIONS: dict[tuple[str, int], WorkflowDefinition] = {}
# Case kind -> the definition name new cases of that kind start under.
_KIND_TO_NAME: dict[str, str] = {}


class UnknownWorkflow(LookupError):
    pass


def register(definition: WorkflowDefinition) -> None:
    if definition.key in _DEFINITIONS:
        raise ValueError(f"workflow {definition.name} v{definition.version} is already registered")
    _DEFINITIONS[definition.key] = definition
    _KIND_TO_NAME.setdefault(definition.kind, definition.name)


def get(name: str, version: int) -> WorkflowDefinition:
    try:
        return _DEFINITIONS[(name, version)]
    except KeyError:
        raise UnknownWorkflow(f"no workflow {name} v{version}") from None


def latest(name: str) -> WorkflowDefinition:
    versions = [d for (n, _), d in _DEFINITIONS.items() if n == name]
    if not versions:
        raise UnknownWorkflow(f"no workflow named {name}")
    return max(versions, key=lambda d: d.version)


def for_kind(kind: str) -> WorkflowDefinition:
    """The definition a new case of ``kind`` starts under: the newest version."""
    try:
        return latest(_KIND_TO_NAME[kind])
    except KeyError:
        raise UnknownWorkflow(f"unknown case kind '{kind}'") from None


def kinds() -> list[str]:
    return sorted(_KIND_TO_NAME)


def all_definitions() -> list[WorkflowDefinition]:
    return sorted(_DEFINITIONS.values(), key=lambda d: d.key)


register(inspection_violation_v1.DEFINITION)
