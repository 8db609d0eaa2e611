"""`pip install .` (not only editable) works: build the wheel, install it in a fresh venv, run it."""

import re
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    mapping = {"kamgraph": "kamgraph", "plugins": "kamgraph.plugins", "migrations": "kamgraph.migrations"}
    found = set()
    for top, name in mapping.items():
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *relative)))
    assert found == listed


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_virtualenv(tmp_path):
    dist = tmp_path / "dist"
    # sdist first, then the wheel from it: proves the sdist is complete and no stale build/ leaks in
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True, timeout=300
    )
    wheel = next(dist.glob("kamgraph-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True, timeout=600
    )
    kamgraph = env_dir / "bin" / "kamgraph"
    workdir = tmp_path / "work"
    workdir.mkdir()
    assert (
        "serve"
        in subprocess.run([str(kamgraph), "--help"], check=True, capture_output=True, text=True, cwd=workdir).stdout
    )
    env = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "KAMGRAPH_DATABASE_URL": f"sqlite://{workdir}/w.sqlite3"}
    subprocess.run([str(kamgraph), "migrate"], check=True, capture_output=True, cwd=workdir, env=env, timeout=120)
    subprocess.run(
        [str(kamgraph), "create-user", "--email", "boss@example.com", "--role", "KA_DIRECTOR", "--password-stdin"],
        input="a-long-password\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=workdir,
        env=env,
        timeout=120,
    )
    script = (
        "import asyncio, httpx\n"
        "from kamgraph.app import create_app\nfrom kamgraph.settings import Settings\nfrom kamgraph import db\n"
        'LOGIN = \'mutation { login(input: {email: "boss@example.com", password: "a-long-password"}) { token } }\'\n'
        "async def main():\n"
        "    s = Settings.from_env(); app = create_app(s)\n"
        "    async with db.connect(s, app.state.pm):\n"
        "        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url='http://x') as c:\n"
        "            token = (await c.post('/graphql', json={'query': LOGIN})).json()['data']['login']['token']\n"
        "            r = await c.post('/graphql', json={'query': '{ accounts { totalCount } industries { code } }'},\n"
        "                             headers={'Authorization': 'Bearer ' + token})\n"
        "            print(r.json())\n"
        "            ide = await c.get('/graphiql/graphiql.min.js')\n"
        "            print('graphiql', ide.status_code, len(ide.content))\n"
        "asyncio.run(main())\n"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "httpx"], check=True, capture_output=True, timeout=300
    )
    out = subprocess.run(
        [str(python), "-c", script], check=True, capture_output=True, text=True, cwd=workdir, env=env, timeout=120
    ).stdout
    assert "'totalCount': 0" in out and "'code': 'T'" in out
    assert "graphiql 200 3513580" in out  # GraphiQL's assets are in the wheel
    # the installed package holds the migrations and data under kamgraph.*, not generic top-level names
    site = next((env_dir / "lib").glob("python*/site-packages"))
    assert (site / "kamgraph" / "migrations" / "core" / "0001_initial.py").exists()
    assert (site / "kamgraph" / "core" / "data" / "gbt4754.json").exists()
    assert not (site / "migrations").exists() and not (site / "plugins").exists()
    # the scaffold's templates are in the wheel: new-plugin works from an installed kamgraph
    subprocess.run([str(kamgraph), "new-plugin", "visits"], check=True, capture_output=True, cwd=workdir, env=env)
    assert (workdir / "visits" / "kam_visits" / "migrations" / "0001_initial.py").exists()
    assert re.search(r"kamgraph-\d", wheel.name)
