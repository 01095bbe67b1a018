"""The workflow pages: every procedure's definition, drawn and tabulated."""

from __future__ import annotations

from flask import render_template

from hgkiemtra.cases import diagrams
from hgkiemtra.cases.views import bp
from hgkiemtra.core.errors import NotFound
from workflows import registry
from workflows.text import msg


@bp.get("/workflows")
def workflows() -> str:
    return render_template("cases/workflows.html", rows=diagrams.definition_rows())


@bp.get("/workflows/<name>/<int:version>")
def workflow(name: str, version: int) -> str:
    try:
        definition = registry.get(name, version)
    except registry.UnknownWorkflow:
        raise NotFound(
            msg("Không có quy trình {name} phiên bản {version}", name=name, version=version)
        ) from None
    others = [d for d in registry.all_definitions() if d.name == name and d.version != version]
    return render_template(
        "cases/workflow.html",
        definition=definition,
        svg=diagrams.diagram(definition),
        other_versions=others,
        is_current=registry.for_kind(definition.kind).key == definition.key,
        role_names=diagrams.role_names,
        unit_label=diagrams.unit_label,
        phase_label=diagrams.phase_label,
    )
