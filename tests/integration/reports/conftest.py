"""Fixtures for the report tests: the UI client of tests/integration/ui and the scenario."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories as f
from tests.integration.reports.scenario import Built, build
from tests.integration.ui.conftest import Ui, text, ui, ui_app  # noqa: F401 - fixtures


@pytest.fixture()
def w(session: Any) -> f.World:
    return f.world()


@pytest.fixture()
def built(session: Any, w: f.World) -> Built:
    found = build(w)
    session.commit()
    return found
