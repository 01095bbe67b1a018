"""Fixtures for the risk ranking and export tests: the UI and API helpers of
tests/integration/ui and tests/integration/api, and a small risk scenario."""

from __future__ import annotations

from tests.integration.api.conftest import api  # noqa: F401
from tests.integration.ui.conftest import make_case, other_ui, ui, ui_app, w  # noqa: F401
