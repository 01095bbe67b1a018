"""What the API accepts and returns about a denouncer.

The identity fields are ``repr=False``: a model printed into a log line or a
traceback shows no particulars. Responses carry the pseudonym, requests and
decisions; only ``DenouncerIdentityOut`` (the approved reveal) carries the
identity.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hgkiemtra.denunciations.vault import Identity

Text = Annotated[str, Field(max_length=500, repr=False)]


class DenouncerIn(BaseModel):
    """The denouncer's particulars, encrypted on arrival; handlers see a pseudonym."""

    model_config = ConfigDict(extra="forbid", strict=True)

    full_name: Annotated[str, Field(min_length=1, max_length=200, repr=False)]
    address: Text = ""
    phone: Annotated[str, Field(max_length=40, repr=False)] = ""
    email: Annotated[str, Field(max_length=255, repr=False)] = ""
    id_number: Annotated[str, Field(max_length=40, repr=False,
                                    description="Số CMND/CCCD")] = ""
    notes: Annotated[str, Field(max_length=4000, repr=False)] = ""

    def identity(self) -> Identity:
        return Identity(full_name=self.full_name, address=self.address, phone=self.phone,
                        email=self.email, id_number=self.id_number, notes=self.notes)


class RevealReasonIn(BaseModel):
    """Why the identity is needed (a request), or why a custodian decides so."""

    model_config = ConfigDict(extra="forbid", strict=True)

    reason: Annotated[str, Field(min_length=1, max_length=4000)]


class RevealConfirmIn(BaseModel):
    """Reading the identity: the caller confirms the duty to keep it secret."""

    model_config = ConfigDict(extra="forbid", strict=True)

    keep_secret: Literal[True] = Field(
        description="I will not disclose the identity, least of all to the accused's side")


class UserRef(BaseModel):
    id: int
    name: str


class RevealRequestOut(BaseModel):
    id: int
    case_id: int
    status: Literal["pending", "approved", "refused", "revealed", "expired"] = Field(
        description="expired: approved but not read within the window")
    requested_by: UserRef
    requested_at: datetime
    reason: str
    decided_by: UserRef | None
    decided_at: datetime | None
    decision_reason: str
    revealed_at: datetime | None
    expires_at: datetime | None = Field(description="An approval can be used until then")


class DenouncerOut(BaseModel):
    case_id: int
    pseudonym: str = Field(description="What handlers see instead of the name")
    recorded_at: datetime
    may_decide: bool = Field(description="The caller is a custodian over this case")
    requests: list[RevealRequestOut]


class DenouncerIdentityOut(BaseModel):
    """The decrypted identity: answered once per approved request, to its requester."""

    case_id: int
    request_id: int
    pseudonym: str
    full_name: str
    address: str
    phone: str
    email: str
    id_number: str
    notes: str


RESPONSES: tuple[type[BaseModel], ...] = (DenouncerOut, RevealRequestOut, DenouncerIdentityOut)
BODIES: tuple[type[BaseModel], ...] = (DenouncerIn, RevealReasonIn, RevealConfirmIn)
