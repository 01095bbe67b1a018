"""The domain package must not pull in the web or database layers."""

import subprocess
import sys


def test_importing_workflows_loads_no_flask_sqlalchemy_or_celery():
    code = (
        "import sys, workflows, workflows.registry, workflows.calendar, workflows.guards,"
        " workflows.reminders;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'sqlalchemy', 'celery', 'flask_sqlalchemy', 'hgkiemtra'});"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
