"""The web tier's gunicorn settings, one place for every way it is started:
``gunicorn --config python:hgkiemtra.gunicorn_conf hgkiemtra.wsgi:app`` in the
Dockerfile, docker-compose.yml, the systemd unit (docs/deploy.md) and the HTTP
benchmark (bench/http_api.py). Options given on the command line win (each
starter adds its own ``--bind``).

2 processes x 8 threads: a transition request spends about half its time
waiting on PostgreSQL, so threads keep both cores busy; see docs/deploy.md
"Sizing" before changing the numbers for other hardware.
"""

workers = 2
worker_class = "gthread"
threads = 8
# The app is loaded before the port is bound (nginx never reaches a booting
# node); create_app opens no database connection, so forking after it is safe.
preload_app = True
timeout = 60
graceful_timeout = 30
loglevel = "warning"
