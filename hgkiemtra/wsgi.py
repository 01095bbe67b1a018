"""Entry point for ``gunicorn hgkiemtra.wsgi:app``."""

import gc

from hgkiemtra.app import create_app, warm_up

app = create_app()
warm_up()
# What start-up built (modules, the app, the catalogues; ~260k objects) lives as long
# as the process: out of the collector's sight, a full collection during a request
# scans only what requests allocate (on average ~23 ms a case-list request at 1M
# cases before, ~6 ms after), and with preload_app (gunicorn_conf.py) the forked
# workers no longer copy the shared pages the collector would otherwise write to.
gc.freeze()
