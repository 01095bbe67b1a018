"""The printable case dossier: an HTML page (print stylesheet) and a PDF."""

from __future__ import annotations

from flask import Response, render_template

from hgkiemtra.cases.service import local_today
from hgkiemtra.reports.dossier import DEADLINE_STATUS_LABELS, build_dossier
from hgkiemtra.reports.dossier_pdf import dossier_pdf
from hgkiemtra.reports.views import bp
from hgkiemtra.web.login import current_actor


@bp.get("/cases/<int:case_id>/dossier")
def dossier(case_id: int) -> str:
    found = build_dossier(current_actor(), case_id, local_today())
    return render_template("reports/dossier.html", d=found,
                           deadline_labels=DEADLINE_STATUS_LABELS)


@bp.get("/cases/<int:case_id>/dossier.pdf")
def dossier_pdf_view(case_id: int) -> Response:
    found = build_dossier(current_actor(), case_id, local_today())
    return Response(dossier_pdf(found), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ho-so-{found.case.reference}.pdf"'})
