"""`make mutation`: mutation testing of the security modules, the limits, idempotency and every rules.py.

mutmut copies the code it mutates into `mutants/` and imports it from there, so it needs the installed layout
(`plugins/` and `migrations/` live under `kamgraph.` once installed). This script lays that tree out in
`build/mutation/`, runs `mutmut run` in it (mutmut caches verdicts there, so a second run only retries what changed),
and prints the score per module group. Usage: `make mutation` or `python scripts/mutation.py [--report]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = ROOT / "build" / "mutation"
LAYOUT = {
    "kamgraph": "kamgraph",
    "plugins": "kamgraph/plugins",
    "migrations": "kamgraph/migrations",
    "tests": "tests",
    "schema": "schema",
}
GROUPS = {
    "kamgraph/security/": "security",
    "kamgraph/api/limits.py": "limits",
    "kamgraph/api/ratelimit.py": "limits",
    "kamgraph/api/idempotency.py": "idempotency",
}
KILLED = {"killed", "timeout", "segfault", "suspicious"}  # the suite noticed: it failed, hung or crashed


def lay_out() -> None:
    """Mirror the repository into the installed layout, touching only files that changed (mutmut's cache)."""
    WORKSPACE.mkdir(parents=True, exist_ok=True)
    for source, target in LAYOUT.items():
        for path in (ROOT / source).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            relative = path.relative_to(ROOT / source)
            destination = WORKSPACE / target / relative
            if not destination.exists() or destination.read_bytes() != path.read_bytes():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
                for copy in (WORKSPACE / "mutants" / target).glob(f"{relative}*"):  # mutmut copies a file only once
                    copy.unlink()
    shutil.copy2(ROOT / "pyproject.toml", WORKSPACE / "pyproject.toml")


def group_of(mutant: str) -> str:
    module = mutant.split(".x_")[0].split(".xǁ")[0].replace(".", "/")
    for prefix, group in GROUPS.items():
        if f"{module}.py".startswith(prefix) or module.startswith(prefix.rstrip("/")):
            return group
    if module.endswith("/rules"):  # each rules.py on its own: every one is held to the bar
        return module.replace("kamgraph/plugins/", "plugins/") + ".py"  # its path in the repository
    return "other"


def report() -> int:
    listing = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=WORKSPACE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    verdicts = {}
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            verdicts[name] = status
    totals: dict[str, Counter] = {}
    for name, status in verdicts.items():
        totals.setdefault(group_of(name), Counter())[status] += 1
    print(f"{'group':<34} {'mutants':>8} {'killed':>8} {'score':>7}  survivors  not checked")
    failing = False
    for group, counts in sorted(totals.items()):
        total = sum(counts[s] for s in counts if s not in {"not checked", "skipped"})
        killed = sum(counts[s] for s in KILLED)
        score = killed / total if total else 1.0
        failing |= score < 0.9 or counts["not checked"] > 0  # an unfinished run proves nothing yet
        survived = counts["survived"] + counts["no tests"]
        print(f"{group:<34} {total:>8} {killed:>8} {score:>7.1%}  {survived:>9}  {counts['not checked']:>11}")
    survivors = sorted(n for n, s in verdicts.items() if s in {"survived", "no tests"})
    (WORKSPACE / "survivors.json").write_text(json.dumps(survivors, indent=1))
    print(f"survivors listed in {WORKSPACE / 'survivors.json'}; `cd {WORKSPACE} && mutmut show NAME` shows one")
    return 1 if failing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="only print the last run's scores")
    parser.add_argument("--max-children", type=int, help="parallel mutants (default: one per core)")
    args = parser.parse_args()
    if not args.report:
        lay_out()
        command = [sys.executable, "-m", "mutmut", "run"]
        if args.max_children:
            command += ["--max-children", str(args.max_children)]
        subprocess.run(command, cwd=WORKSPACE, check=False)
    return report()


if __name__ == "__main__":
    sys.exit(main())
