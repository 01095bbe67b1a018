"""Reminders and notifications: outbox delivery, mail rendering, Celery tasks."""
