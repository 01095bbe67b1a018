"""Extensions, created unbound and bound in create_app()."""

from flask_migrate import Migrate

from hgkiemtra.core.db import db

migrate = Migrate(compare_type=True, render_as_batch=True)

__all__ = ["db", "migrate"]
