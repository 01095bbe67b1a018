"""Every workflow definition, by name and version."""

from __future__ import annotations

from datetime import date

from workflows.definitions import (
    asset_declaration_v1,
    denunciation_v1,
    denunciation_v2,
    discipline_complaint_v1,
    discipline_v1,
    financial_inspection_v1,
    inspection_lower_work_v1,
    inspection_violation_v1,
    inspection_violation_v2,
    supervision_v1,
    suspension_v1,
)
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


def for_kind(kind: str, on: date | None = None) -> WorkflowDefinition:
    """The definition a new case of ``kind`` starts under.

    Without ``on``: the newest version. With ``on`` (the anchor date: received
    or decided): the newest version whose ``in_force_from`` is on or before
    it (no start date counts as always in force); before every start date,
    the oldest version stands in.
    """
    try:
        name = _KIND_TO_NAME[kind]
    except KeyError:
        raise UnknownWorkflow(f"unknown case kind '{kind}'") from None
    if on is None:
        return latest(name)
    versions = sorted((d for (n, _), d in _DEFINITIONS.items() if n == name),
                      key=lambda d: d.version)
    in_force = [d for d in versions if d.in_force_from is None or d.in_force_from <= on]
    if not in_force:
        return versions[0]
    return max(in_force, key=lambda d: (d.in_force_from or date.min, d.version))


def kinds() -> list[str]:
    return sorted(_KIND_TO_NAME)


def all_definitions() -> list[WorkflowDefinition]:
    return sorted(_DEFINITIONS.values(), key=lambda d: d.key)


for _module in (
    inspection_violation_v1, inspection_violation_v2, inspection_lower_work_v1,
    financial_inspection_v1, asset_declaration_v1, supervision_v1, denunciation_v1,
    denunciation_v2, discipline_complaint_v1, discipline_v1, suspension_v1,
):
    register(_module.DEFINITION)
