"""Vault test helpers: a denunciation with a recorded denouncer, a custodian, clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from hgkiemtra.auth.permissions import Actor
from hgkiemtra.cases import service as cases
from hgkiemtra.cases.models import Case
from hgkiemtra.config import Settings
from hgkiemtra.denunciations import custodians, service
from hgkiemtra.denunciations.vault import Identity, Vault
from hgkiemtra.extensions import limiter
from tests import factories as f
from tests.integration.api.conftest import Api
from tests.integration.ui.conftest import Ui, UiClient

MARKER_NAME = "Lương Thị Canary"


def vault_of(app: Flask) -> Vault:
    settings: Settings = app.config["SETTINGS"]
    return Vault.from_settings(settings)


def identity(name: str = MARKER_NAME) -> Identity:
    return Identity(full_name=name, address="Số 7, đường 30/4, phường I, Vị Thanh",
                    phone="0909 000 111", email="nguoi.to.cao@example.vn",
                    id_number="093100000123", notes="Gặp tại trụ sở tiếp dân")


def denunciation(w: f.World, title: str = "Tố cáo vi phạm quản lý đất đai",
                 team: list[cases.TeamSeat] | None = None, **kw: Any) -> Case:
    return cases.open_case(
        Actor.for_user(w.inspector), kind="denunciation", title=title, org_id=w.district.id,
        subject_type=kw.pop("subject_type", "member"),
        subject_id=kw.pop("subject_id", w.subject.id),
        team=[cases.TeamSeat(w.inspector.id, "leader"),
              cases.TeamSeat(w.committee_member.id, "directing")] if team is None else team,
        **kw,
    )


def with_denouncer(app: Flask, w: f.World, who: Identity | None = None) -> Case:
    case = denunciation(w)
    service.record_identity(Actor.for_user(w.inspector), case, who or identity(), vault_of(app))
    return case


def make_custodian(w: f.World) -> None:
    """The district's chair keeps the key for the district's cases."""
    custodians.designate(Actor.for_user(w.admin), w.chair.id, w.district.id)


@pytest.fixture()
def w(session: Any) -> f.World:
    world = f.world()
    session.commit()
    return world


@pytest.fixture()
def api(client: Any, session: Any) -> Api:
    return Api(client, session)


@pytest.fixture()
def ui_app(app: Flask) -> Iterator[Flask]:
    previous = app.test_client_class
    app.test_client_class = UiClient
    limiter.reset()
    yield app
    limiter.reset()
    app.test_client_class = previous


@pytest.fixture()
def ui(ui_app: Flask, session: Any) -> Ui:
    return Ui(ui_app.test_client())


@pytest.fixture()
def other_ui(ui_app: Flask, session: Any) -> Ui:
    return Ui(ui_app.test_client())
