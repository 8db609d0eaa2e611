"""The container image and compose file, checked without a container runtime (this machine has none that
can pull images): the Dockerfile's structure and sources, its commands against the real CLI, its health
check against a live server, and compose's settings against the settings kamgraph declares."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (ROOT / "compose.yaml").read_text(encoding="utf-8")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in (raw.strip() for raw in joined.splitlines())
        if line and not line.startswith("#")
    ]


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions(DOCKERFILE):
        if instruction[0] == "FROM":
            found.append([])
        found[-1].append(instruction)
    return found


def exec_form(arguments: str) -> list[str]:
    return json.loads(arguments)


def test_the_image_is_built_in_two_stages_and_runs_as_an_unprivileged_user():
    build, run = stages()
    assert build[0][1].endswith(" AS build") and run[0][1].startswith("python:3.11")
    users = [arguments for name, arguments in run if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("COPY", "--from=build /dist/ /tmp/dist/") in run  # only the wheel crosses over, not the sources
    assert exec_form(dict(run)["ENTRYPOINT"]) == ["kamgraph"]


def test_the_build_stage_copies_everything_the_wheel_is_made_of():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {"pyproject.toml", project["project"]["readme"], *project["tool"]["setuptools"]["package-dir"].values()}
    copied = set()
    for name, arguments in stages()[0]:
        if name == "COPY":
            *sources, _ = shlex.split(arguments)
            copied.update(sources)
    assert needed <= copied, needed - copied
    assert all((ROOT / source).exists() for source in copied)


def test_the_image_commands_are_the_clis():
    from kamgraph.cli import build_parser
    from kamgraph.settings import Settings

    parser = build_parser(Settings())
    command = exec_form(dict(stages()[1])["CMD"])
    assert parser.parse_args(command).func.__name__ == "cmd_serve"
    for service_command in re.findall(r"command: (\[.*\])", COMPOSE):
        assert parser.parse_args(json.loads(service_command)).func.__name__.startswith("cmd_")


def test_compose_sets_only_settings_kamgraph_declares():
    from kamgraph.checks import declared_settings
    from kamgraph.plugin_manager import PluginManager

    declared = declared_settings(PluginManager.from_names(("bundled",)))
    used = set(re.findall(r"\b(KAMGRAPH_[A-Z_]+):", COMPOSE))
    assert used and used <= set(declared), used - set(declared)
    assert {"db:", "migrate:", "api:", "condition: service_completed_successfully"} <= {
        line.strip() for line in COMPOSE.splitlines()
    }


@pytest.mark.slow
def test_the_health_check_passes_on_a_ready_server_and_fails_without_one(tmp_path):
    from live_server import demo_server, free_port

    health = [arguments for name, arguments in stages()[1] if name == "HEALTHCHECK"][0]
    command = json.loads(health.split("CMD", 1)[1])
    assert command[0] == "python"
    with demo_server(tmp_path) as (base, _):
        port = base.rsplit(":", 1)[1]
        ready = [sys.executable, *(part.replace("8000", port) for part in command[1:])]
        assert subprocess.run(ready, capture_output=True, timeout=30).returncode == 0
    nobody = [sys.executable, *(part.replace("8000", str(free_port())) for part in command[1:])]
    assert subprocess.run(nobody, capture_output=True, timeout=30).returncode != 0
