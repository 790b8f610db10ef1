"""Dependency vulnerability audit for CI (`make audit`): pip-audit over the installed environment.

Prints every known vulnerability and every package that could not be audited, and exits 1 only when a
vulnerability has a fixed version to upgrade to (a vulnerability without a fix is reported, not fatal).
pip-audit asks PyPI's JSON API for each installed version; when it cannot run at all, that is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys


def audit() -> dict:
    """pip-audit's JSON report of the environment this interpreter runs in (the project itself skipped)."""
    done = subprocess.run([sys.executable, "-m", "pip_audit", "--format", "json", "--skip-editable",
                           "--progress-spinner", "off", "--desc", "off"], capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        raise RuntimeError(f"pip-audit produced no report (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def summarise(report: dict) -> tuple[list[str], int]:
    """Report lines and the number of vulnerabilities that have a fix."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    found = [(d, vuln, vuln.get("fix_versions") or []) for d in audited for vuln in d.get("vulns", [])]
    fixable = sum(1 for _, _, fixes in found if fixes)
    lines = [(f"audited {len(audited)} of {len(dependencies)} installed packages: {len(found)} known vulnerabilities "
              f"in {len({d['name'] for d, _, _ in found})} packages, {fixable} with a fix available")]
    lines += [f"{d['name']} {d['version']}: {vuln['id']} "
              + (f"fixed in {', '.join(fixes)}" if fixes else "no fix released yet") for d, vuln, fixes in found]
    if skipped:
        lines.append(f"not audited ({len(skipped)}):")
        lines += [f"  {d['name']}: {d['skip_reason']}" for d in skipped]
    return lines, fixable


def main() -> int:
    """Run the audit, print the report, return the exit status."""
    try:
        report = audit()
    except (RuntimeError, json.JSONDecodeError) as error:
        print(f"dependency audit could not run: {error}")
        return 0
    lines, fixable = summarise(report)
    print("\n".join(lines))
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main())
