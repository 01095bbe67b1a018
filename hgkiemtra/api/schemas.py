"""What the API accepts: request bodies (strict) and query strings (from text).

Bodies are strict: unknown fields are refused and "1" is not an integer.
Query strings are text by nature, so their models coerce ("2" -> 2,
"true" -> True) but still refuse unknown parameters and bad values. Values
that are checked against the workflow registry (kinds, states) carry an
``enum`` in their JSON schema so clients and fuzzers see the choices.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hgkiemtra.api.denouncer_schemas import DenouncerIn
from workflows import registry
from workflows.engine import Phase

INT32_MAX = 2**31 - 1
DEFAULT_PER_PAGE = 50

Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
Scalar = str | int | float | bool | None
SORTS = ("updated_at", "-updated_at", "opened_on", "-opened_on", "id", "-id", "title", "-title")


def known_kinds() -> list[str]:
    return registry.kinds()


def known_states() -> list[str]:
    return sorted({s.name for d in registry.all_definitions() for s in d.states})


# --- bodies ----------------------------------------------------------------


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SubjectIn(StrictBody):
    """Who the case is about: a party member or a party organisation."""

    type: Literal["member", "organisation"]
    id: Id


class TeamSeatIn(StrictBody):
    user_id: Id
    role: Literal["leader", "member", "directing"] = "member"


class CaseCreate(StrictBody):
    """Open a case. The workflow is the version of ``kind`` in force on ``anchor_on``
    (the date the matter was received or decided; default today), so the rules
    of that day (QĐ 22 or QĐ 296) apply."""

    kind: Annotated[
        str, Field(min_length=1, max_length=40, json_schema_extra={"enum": known_kinds()})
    ]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    org_id: Id
    subject: SubjectIn
    summary: Annotated[str, Field(max_length=20000)] = ""
    team: Annotated[list[TeamSeatIn], Field(max_length=50)] = []
    anchor_on: Annotated[date | None, Field(strict=False)] = None
    # Denunciations only: encrypted at once into the vault, never kept on the case.
    denouncer: DenouncerIn | None = None

    @field_validator("anchor_on", mode="before")
    @classmethod
    def _iso_date_text(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError("anchor_on phải là ngày dạng YYYY-MM-DD")
        return value


class EventFire(StrictBody):
    """Fire one workflow event; ``version`` is the case version the client last saw."""

    event: Annotated[str, Field(min_length=1, max_length=60)]
    version: Annotated[int, Field(ge=0, le=INT32_MAX)]
    note: Annotated[str, Field(max_length=20000)] = ""
    data: Annotated[dict[str, Scalar], Field(max_length=50)] = {}


class DeadlineExtend(StrictBody):
    """Extend a deadline by a decision; the approver must be a chair over the case."""

    new_due_on: Annotated[date, Field(strict=False, description="YYYY-MM-DD, a working day")]
    decision_reference: Annotated[str, Field(min_length=1, max_length=200)]
    approver_user_id: Id
    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    version: Annotated[int | None, Field(ge=0, le=INT32_MAX)] = None


class DeadlinePause(StrictBody):
    """Stop a deadline's clock (only where its rule allows it)."""

    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    version: Annotated[int | None, Field(ge=0, le=INT32_MAX)] = None


class DeadlineResume(StrictBody):
    """Start the clock again; the due date moves by the time it stood still."""

    note: Annotated[str, Field(max_length=4000)] = ""
    version: Annotated[int | None, Field(ge=0, le=INT32_MAX)] = None


class LinkOpen(StrictBody):
    """Open linked case(s) from this case: ``inspection`` (from a denunciation found
    correct), ``discipline`` (findings warrant it), ``escalation`` (an escalated
    complaint -> the complaint at the next level), ``member_case`` (from a case about an
    organisation: one case of ``target_kind`` per member in ``member_ids``)."""

    kind: Literal["inspection", "discipline", "escalation", "member_case"]
    target_kind: Literal["inspection_violation", "discipline"] | None = None
    member_ids: Annotated[list[Id], Field(max_length=50)] = []
    note: Annotated[str, Field(min_length=1, max_length=20000,
                               description="The grounds for opening the linked case(s)")]
    version: Annotated[int | None, Field(ge=0, le=INT32_MAX)] = None


class TeamChange(StrictBody):
    """Replace the team; every seat is checked for conflicts of interest."""

    team: Annotated[list[TeamSeatIn], Field(max_length=50)]
    note: Annotated[str, Field(max_length=4000)] = ""
    version: Annotated[int | None, Field(ge=0, le=INT32_MAX)] = None


class DeclarationIn(StrictBody):
    """The caller's own conflict-of-interest declaration on a case whose team they sit on."""

    has_conflict: bool
    statement: Annotated[str, Field(max_length=4000)] = ""
    version: Annotated[int | None, Field(ge=0, le=INT32_MAX)] = None


# --- query strings -----------------------------------------------------------


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    per_page: Annotated[int, Field(ge=1)] = DEFAULT_PER_PAGE

    @field_validator("per_page")
    @classmethod
    def _per_page_max(cls, value: int, info: ValidationInfo) -> int:
        limit = (info.context or {}).get("per_page_max")
        if limit is not None and value > limit:
            raise ValueError(f"per_page tối đa là {limit}")
        return value


def _one_of(value: str | None, allowed: list[str], name: str) -> str | None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} phải là một trong: {', '.join(allowed)}")
    return value


class CaseListQuery(PageQuery):
    state: Annotated[
        str | None, Field(max_length=60, json_schema_extra={"enum": known_states()})
    ] = None
    phase: Annotated[
        str | None, Field(max_length=20, json_schema_extra={"enum": [p.value for p in Phase]})
    ] = None
    kind: Annotated[str | None, Field(max_length=40, json_schema_extra={"enum": known_kinds()})] = (
        None
    )
    org_id: Id | None = None
    overdue: bool | None = None
    q: Annotated[str | None, Field(max_length=200)] = None
    sort: Literal[SORTS] = "-updated_at"  # type: ignore[valid-type]
    cursor: Annotated[
        str | None,
        Field(max_length=2000, description=(
            "Keyset page: the `next_cursor` or `prev_cursor` of a previous answer with the "
            "same filters and sort. When given, `page` is ignored. A malformed cursor, or "
            "one made for another sort, is answered 400 (`bad_cursor`).")),
    ] = None

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        return _one_of(value, known_states(), "state")

    @field_validator("phase")
    @classmethod
    def _known_phase(cls, value: str | None) -> str | None:
        return _one_of(value, [p.value for p in Phase], "phase")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        return _one_of(value, known_kinds(), "kind")


ORG_LEVELS = ["province", "district", "grassroots", "cell"]


class OrganisationListQuery(PageQuery):
    q: Annotated[str | None, Field(max_length=200)] = None
    level: Annotated[str | None, Field(max_length=20, json_schema_extra={"enum": ORG_LEVELS})] = (
        None
    )

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str | None) -> str | None:
        return _one_of(value, ORG_LEVELS, "level")


class MemberListQuery(PageQuery):
    q: Annotated[str | None, Field(max_length=200)] = None
    org_id: Id | None = None


def query_parameters(model: type[BaseModel], per_page_max: int) -> list[dict[str, Any]]:
    """OpenAPI query parameters from a query model (``null`` dropped: a query
    string cannot carry one; an absent parameter means 'no filter')."""
    schema = model.model_json_schema()
    params = []
    for name, prop in schema["properties"].items():
        prop = _without_null(prop)
        if name == "per_page":
            prop["maximum"] = per_page_max
        params.append({"name": name, "in": "query", "required": False, "schema": prop})
    return params


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    prop = {k: v for k, v in prop.items() if k != "default" or v is not None}
    variants = prop.pop("anyOf", None)
    if variants is None:
        return prop
    kept = [v for v in variants if v.get("type") != "null"]
    if len(kept) == 1:
        return {**prop, **kept[0]}
    return {**prop, "anyOf": kept}
