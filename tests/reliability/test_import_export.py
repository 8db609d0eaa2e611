"""kamgraph import / export: the upsert services for every record, rejects reported with their line and
reason, exports through the scoped accessor with guarded values masked and audited, both streamed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import TEST_KEY
from factories import account, contract, credit_code, staff

from kamgraph.core.accounts.models import Account, AccountTeamMember, TeamRole
from kamgraph.security.actors import SYSTEM_ACTOR, Role
from kamgraph.security.auth import set_password
from kamgraph.security.models import AuditRecord
from kamgraph.sync import export_rows, import_file, sync_kinds


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


async def run_import(path, kind, pm, settings, fmt="csv", actor=SYSTEM_ACTOR, source="erp"):
    report = io.StringIO()
    outcome = await import_file(path, fmt, sync_kinds(pm)[kind], source, actor, pm, settings, report)
    return outcome, list(csv.DictReader(io.StringIO(report.getvalue())))


async def export(pm, kind, actor=SYSTEM_ACTOR, fmt="jsonl"):
    out = io.StringIO()
    await export_rows(sync_kinds(pm)[kind], actor, out, fmt)
    return (
        [json.loads(line) for line in out.getvalue().splitlines()]
        if fmt == "jsonl"
        else list(csv.DictReader(io.StringIO(out.getvalue())))
    )


async def test_an_import_applies_good_records_and_reports_each_rejected_one(pm, settings, clean, tmp_path):
    header = ["externalId", "name", "creditCode", "industryCode", "region", "size"]
    rows = [
        ["A1", "Acme", credit_code(), "C39", "EAST", "LARGE"],
        ["A2", "Bad code", "123", "C39", "EAST", ""],
        ["A3", "Bad region", credit_code(), "C39", "MARS", ""],
        ["", "No id", credit_code(), "C39", "EAST", ""],
        ["A5", "Bolt", credit_code(), "C39", "south", ""],
    ]
    path = write_csv(tmp_path / "accounts.csv", header, rows)
    outcome, rejects = await run_import(path, "accounts", pm, settings)
    assert dict(outcome.counts) == {"created": 2, "failed": 3}, rejects
    assert [(r["line"], r["externalId"], r["column"], r["code"]) for r in rejects] == [
        ("3", "A2", "creditCode", "INVALID"),
        ("4", "A3", "region", "INVALID"),
        ("5", "", "externalId", "REQUIRED"),
    ]
    assert sorted(a.name for a in await Account.all()) == ["Acme", "Bolt"]
    again, _ = await run_import(path, "accounts", pm, settings)
    assert again.counts["unchanged"] == 2 and await Account.all().count() == 2


async def test_contracts_round_trip_through_json_lines(pm, settings, clean, tmp_path):
    await account("Acme", external_id="A1", source="erp")
    record = {
        "externalId": "C1",
        "accountExternalId": "A1",
        "number": "ERP-1",
        "title": "Licence",
        "amount": "1000.00",
        "startOn": "2026-01-01",
        "endOn": "2026-12-31",
        "schedule": [{"dueOn": "2026-03-01", "amount": "1000.00"}],
    }
    path = tmp_path / "contracts.jsonl"
    path.write_text(
        json.dumps(record) + "\n" + '{"externalId": "C2", "accountExternalId": "A404", "number": "x"\n',
        encoding="utf-8",
    )
    outcome, rejects = await run_import(path, "contracts", pm, settings, fmt="jsonl")
    assert dict(outcome.counts) == {"created": 1, "failed": 1} and rejects[0]["line"] == "2"
    exported = await export(pm, "contracts")
    assert {k: exported[0][k] for k in record} == {**record, "schedule": "2026-03-01 1000.00"}
    assert exported[0]["status"] == "DRAFT"
    reimport = tmp_path / "contracts-again.jsonl"
    reimport.write_text(json.dumps(exported[0]) + "\n", encoding="utf-8")  # an export imports back as it is
    unchanged, rejected = await run_import(reimport, "contracts", pm, settings, fmt="jsonl")
    assert (dict(unchanged.counts), rejected) == ({"unchanged": 1}, [])


async def test_exports_show_what_their_actor_may_see_and_audit_guarded_values(pm, settings, actor_for, clean):
    manager, expert = await staff("Li Wei"), await staff("Chen Jing", Role.SOLUTION_EXPERT)
    mine, theirs = await account("Mine", owner=manager), await account("Theirs")
    await AccountTeamMember.create(account=mine, person=expert, role=TeamRole.SOLUTION_EXPERT)
    await contract(mine, "1000.00"), await contract(theirs, "2000.00")
    as_manager = await export(pm, "contracts", actor_for(manager, Role.ACCOUNT_MANAGER), fmt="csv")
    assert [(c["accountId"], c["amount"]) for c in as_manager] == [(mine.node_id, "1000.00")]
    as_expert = await export(pm, "contracts", actor_for(expert, Role.SOLUTION_EXPERT), fmt="csv")
    assert [(c["amount"], c["schedule"]) for c in as_expert] == [("", "")]  # no permission for amounts: blank
    reads = await AuditRecord.filter(action="read", subject_type="Contract")
    assert [(r.actor, r.fields_read, r.operation_name) for r in reads] == [("Li Wei", "amount", "export contracts")]


async def test_imports_and_exports_stream(pm, settings, clean, tmp_path, monkeypatch):
    """An import applies each batch of 500 before it reads further; an export writes each page before it
    reads the next: memory holds one batch or page, whatever the size of the file."""
    import kamgraph.sync as sync
    from kamgraph.security.scope import Rows

    path = write_csv(
        tmp_path / "accounts.csv",
        ["externalId", "name", "creditCode", "industryCode", "region"],
        [[f"S{n}", f"Stream {n}", credit_code(), "C39", "EAST"] for n in range(1200)],
    )
    applied, applied_when_read = [0], {}
    read_records, upsert_each, page = sync.read_records, sync.upsert_each, Rows.page

    def reading(lines, fmt):
        for number, record in read_records(lines, fmt):
            applied_when_read[number] = applied[0]
            yield number, record

    async def applying(unit, records, apply, path):
        results = await upsert_each(unit, records, apply, path)
        applied[0] += len(results)
        return results

    monkeypatch.setattr(sync, "read_records", reading)
    monkeypatch.setattr(sync, "upsert_each", applying)
    outcome, _ = await run_import(path, "accounts", pm, settings)
    assert outcome.counts["created"] == 1200
    assert (applied_when_read[501], applied_when_read[502], applied_when_read[1002]) == (
        0,
        500,
        1000,
    )  # line 2 is record 1

    lines_written, pages_read_at = [], []

    class Sink(io.StringIO):
        def write(self, text: str) -> int:
            lines_written.append(text)
            return len(text)

    async def paging(self, order, request):
        pages_read_at.append(len(lines_written))
        return await page(self, order, request)

    monkeypatch.setattr(Rows, "page", paging)
    assert await export_rows(sync_kinds(pm)["accounts"], SYSTEM_ACTOR, Sink(), "csv", page_size=500) == 1200
    assert pages_read_at == [1, 501, 1001]  # after the header, each page written before the next is read


async def test_the_commands_exit_codes_report_file_and_scoped_export(pm, settings, clean, tmp_path):
    manager = await staff("Li Wei", email="li.wei@example.com")
    await set_password(manager, "a long enough password")
    await account("Mine", owner=manager)
    await account("Theirs")
    path = write_csv(
        tmp_path / "accounts.csv",
        ["externalId", "name", "creditCode", "industryCode", "region"],
        [["N1", "New", credit_code(), "C39", "EAST"], ["N2", "Broken", "1", "C39", "EAST"]],
    )
    environment = {
        **os.environ,
        "KAMGRAPH_DATABASE_URL": settings.database_url,
        "KAMGRAPH_SECRET_KEY": TEST_KEY,
        "KAMGRAPH_PLUGINS": "core",
    }

    def kamgraph(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kamgraph.cli", *args],
            env=environment,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    imported = kamgraph("import", str(path), "--source", "erp")
    assert imported.returncode == 1, imported.stderr
    assert "2 records, 1 created, 0 updated, 0 unchanged, 1 rejected" in imported.stdout
    assert "N2,creditCode,INVALID" in (tmp_path / "accounts.csv.rejected.csv").read_text()
    exported = kamgraph("export", "accounts", "--as", "li.wei@example.com")
    assert exported.returncode == 0, exported.stderr
    assert [r["name"] for r in csv.DictReader(io.StringIO(exported.stdout))] == ["Mine"]
    assert kamgraph("export", "unicorns").returncode == 2
    assert await Account.filter(name="Broken").count() == 0
