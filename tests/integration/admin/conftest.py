"""The admin tests use the UI helpers (signing in, CSRF tokens read from forms)."""

from tests.integration.ui.conftest import make_case, other_ui, ui, ui_app, w  # noqa: F401
