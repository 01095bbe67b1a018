"""The pure domain: workflow definitions, guards, the working calendar.

Nothing here imports Flask, SQLAlchemy or Celery (tests/unit/test_purity.py).
"""
