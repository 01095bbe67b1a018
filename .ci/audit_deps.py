"""`make audit-deps`: pip-audit of the installed environment, honestly reported.

pip-audit says "No known vulnerabilities found" and exits 0 even when it could
audit nothing (every package "not found on PyPI" because the index reached has
no vulnerability data). This wrapper counts what was really audited:

- a known vulnerability not accepted in .ci/audit-ignore  -> exit 1;
- nothing audited by PyPI's service nor by OSV (unreachable) -> "audit-deps: not
  run: <reason>", exit 3, or exit 0 with --allow-unreachable (CI on a machine
  without those services);
- otherwise exit 0, saying how many packages were audited and which were not.

.ci/audit-ignore: one accepted vulnerability a line, "ID  reason" (a reason is
required); "#" starts a comment.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

SERVICES = ("pypi", "osv")
NOT_RUN = 3
# A service that swallows requests would cost 10 s per package (145 here): give up.
SERVICE_TIMEOUT_S = 300


def accepted(path: Path) -> list[str]:
    ids = []
    for number, line in enumerate(path.read_text().splitlines(), 1) if path.exists() else ():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        vuln, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"audit-deps: {path}:{number}: {vuln} needs a reason")
        ids.append(vuln)
    return ids


def audit(service: str, ignored: list[str], osv_url: str = "") -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and why it gave none."""
    command = [sys.executable, "-m", "pip_audit", "--skip-editable", "-f", "json",
               "--progress-spinner", "off", "--desc", "off", "--timeout", "10",
               "-s", service, *[a for v in ignored for a in ("--ignore-vuln", v)]]
    if service == "osv" and osv_url:
        command += ["--osv-url", osv_url]
    try:
        run = subprocess.run(command, capture_output=True, text=True,  # noqa: S603
                             timeout=SERVICE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, f"{service}: no answer within {SERVICE_TIMEOUT_S} s"
    try:
        return json.loads(run.stdout), ""
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
        return None, f"{service}: {last[:300]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-unreachable", action="store_true",
                        help="exit 0 (not 3) when no vulnerability service could be used")
    parser.add_argument("--ignore-file", type=Path,
                        default=Path(__file__).with_name("audit-ignore"))
    parser.add_argument("--service", action="append", choices=SERVICES,
                        help="the services to try, in order (default: pypi, then osv)")
    parser.add_argument("--osv-url", default="",
                        help="an OSV API of your own (POST /v1/query), e.g. a mirror")
    args = parser.parse_args()
    ignored = accepted(args.ignore_file)
    reasons = []
    for service in args.service or SERVICES:
        report, why = audit(service, ignored, args.osv_url)
        if report is None:
            reasons.append(why)
            continue
        deps = report["dependencies"]
        done = [d for d in deps if "skip_reason" not in d]
        if not done:
            reasons.append(f"{service}: none of {len(deps)} packages found by the service "
                           "(no vulnerability data reachable)")
            continue
        return verdict(service, deps, done, ignored)
    print("audit-deps: not run: " + "; ".join(reasons))
    return 0 if args.allow_unreachable else NOT_RUN


def verdict(service: str, deps: list[dict], done: list[dict], ignored: list[str]) -> int:
    skipped = sorted(d["name"] for d in deps if "skip_reason" in d)
    found = [(d["name"], d["version"], v["id"]) for d in done for v in d.get("vulns", [])]
    print(f"audit-deps: {service}: audited {len(done)} of {len(deps)} packages"
          + (f"; not audited: {', '.join(skipped)}" if skipped else "")
          + (f"; accepted (.ci/audit-ignore): {', '.join(ignored)}" if ignored else ""))
    for name, version, vuln in found:
        print(f"audit-deps: VULNERABLE {name} {version}: {vuln}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
