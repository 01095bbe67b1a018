"""Entry point for ``celery -A hgkiemtra.worker worker|beat``."""

from hgkiemtra.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
