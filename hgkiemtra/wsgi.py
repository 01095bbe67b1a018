"""Entry point for ``gunicorn hgkiemtra.wsgi:app``."""

from hgkiemtra.app import create_app

app = create_app()
