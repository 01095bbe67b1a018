"""The admin overview: one card per section, with what needs attention."""

from __future__ import annotations

from flask import render_template

from hgkiemtra.admin.access import admin_roots, is_site_admin
from hgkiemtra.admin.views import bp
from hgkiemtra.reminders import service as outbox
from hgkiemtra.web.login import current_actor


@bp.get("/")
def index() -> str:
    actor = current_actor()
    site = is_site_admin(actor)
    failed = outbox.list_outbox("failed", per_page=1)[1] if site else 0
    pending = outbox.list_outbox("pending", per_page=1)[1] if site else 0
    return render_template("admin/index.html", is_site_admin=site, failed=failed,
                           pending=pending, roots=len(admin_roots(actor)))
