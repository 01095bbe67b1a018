"""Add the labels that live in data (workflow definitions, label tables) to a POT file.

``pybabel extract`` finds the strings written in ``_()`` calls; the UI also
shows Vietnamese labels from ``workflows/`` and a few label tables, and
translates them when rendering (the ``tr`` filter). This script adds those to
the template so ``pybabel update`` carries them into every catalog:

    python -m hgkiemtra.translations.extract_workflow_labels hgkiemtra/translations/messages.pot

A test checks that every label returned by ``data_labels()`` has an English
translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from hgkiemtra.auth.passwords import PROBLEM_MESSAGES
from hgkiemtra.cases.documents import DOC_TYPES
from hgkiemtra.cases.presenters import IN_PLACE_LABELS, OPEN_EVENT_LABEL
from hgkiemtra.cases.views.case_page import MEMBER_STATUS_LABELS, TEAM_ROLE_LABELS
from hgkiemtra.followup.service import KIND_LABELS as ACTION_KIND_LABELS
from hgkiemtra.followup.service import STATUS_LABELS as ACTION_STATUS_LABELS
from workflows import registry
from workflows.engine import PHASE_LABELS_VI, ROLE_LABELS_VI


def data_labels() -> dict[str, str]:
    """Each label shown through ``tr``, with where it comes from."""
    found: dict[str, str] = {}

    def add(label: str, origin: str) -> None:
        if label:
            found.setdefault(label, origin)

    for definition in registry.all_definitions():
        where = f"workflow {definition.name} v{definition.version}"
        add(definition.title, where)
        for state in definition.states:
            add(state.label, f"{where}: state {state.name}")
            for rule in state.deadlines:
                add(rule.label, f"{where}: deadline {rule.name}")
        for event in definition.events:
            add(event.label, f"{where}: event {event.name}")
            for spec in event.fields:
                add(spec.label, f"{where}: field {event.name}.{spec.name}")
                for key, label in spec.choices:
                    add(label, f"{where}: choice {spec.name}={key}")
    tables: list[tuple[str, dict[object, str]]] = [
        ("phase", dict(PHASE_LABELS_VI)),
        ("role", dict(ROLE_LABELS_VI)),
        ("document type", dict(DOC_TYPES)),
        ("team role", dict(TEAM_ROLE_LABELS)),
        ("member status", dict(MEMBER_STATUS_LABELS)),
        ("audit event", dict(IN_PLACE_LABELS)),
        ("follow-up action kind", dict(ACTION_KIND_LABELS)),
        ("follow-up action status", dict(ACTION_STATUS_LABELS)),
    ]
    for table, labels in tables:
        for key, label in labels.items():
            add(label, f"{table} {key}")
    add(OPEN_EVENT_LABEL, "the event that opens a case")
    for message in PROBLEM_MESSAGES:
        add(message, "password rule")
    return found


def add_to_template(pot_path: Path) -> int:
    """Add the data labels to the POT file; returns how many were new."""
    with pot_path.open("rb") as handle:
        catalog = read_po(handle)
    added = 0
    for label, origin in sorted(data_labels().items()):
        if label not in catalog:
            added += 1
        catalog.add(label, auto_comments=[origin], flags=["python-format"] if "%(" in label
                    else [])
    with pot_path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return added


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    added = add_to_template(Path(argv[1]))
    print(f"{added} data labels added to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
