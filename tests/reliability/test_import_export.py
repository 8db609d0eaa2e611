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
    assert {k: exported[0][k] for k in record} == record  # the schedule a list in JSON lines, as it was sent
    assert exported[0]["source"] == "erp"
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
        header, records = read_records(lines, fmt)

        def counted():
            for number, record in records:
                applied_when_read[number] = applied[0]
                yield number, record

        return header, counted()

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
    missing = kamgraph("import", str(tmp_path / "nowhere.csv"), "--source", "erp")
    assert (missing.returncode, missing.stderr.strip()) == (2, f"kamgraph: no file {tmp_path / 'nowhere.csv'}")
    assert not (tmp_path / "nowhere.csv.rejected.csv").exists()
    misnamed = write_csv(tmp_path / "accounts2.csv", ["externalId", "nmae"], [["Z1", "Zed"]])
    refused = kamgraph("import", str(misnamed), "--kind", "accounts", "--source", "erp")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "'nmae' (did you mean 'name'?)" in refused.stderr and not (tmp_path / "accounts2.csv.rejected.csv").exists()


async def test_an_export_imports_back_unchanged_under_its_own_source(pm, settings, clean, tmp_path):
    owner = await staff("Li Wei", email="li.wei@example.com", source="hr", external_id="E7")
    accounts = write_csv(
        tmp_path / "accounts.csv",
        ["externalId", "name", "creditCode", "industryCode", "region", "ownerEmail"],
        [["A1", "Acme", credit_code(), "C39", "EAST", "Li.Wei@example.com"]],
    )
    assert dict((await run_import(accounts, "accounts", pm, settings))[0].counts) == {"created": 1}
    by_external_id = write_csv(
        tmp_path / "accounts-b.csv",
        ["source", "externalId", "name", "creditCode", "industryCode", "region", "ownerExternalId"],
        [["hr", "B1", "Bolt", credit_code(), "C39", "EAST", "E7"]],
    )
    assert dict((await run_import(by_external_id, "accounts", pm, settings, source=None))[0].counts) == {"created": 1}
    assert {a.owner_id for a in await Account.all()} == {owner.id}  # named by e-mail, and by the HR system's id
    people = write_csv(
        tmp_path / "people.csv",
        ["externalId", "name", "accountExternalId", "relationshipLevel", "email"],
        [["P1", "Wang Fang", "A1", "EXECUTIVE", "wang@acme.cn"]],
    )
    contracts = tmp_path / "contracts.jsonl"
    contracts.write_text(
        json.dumps(
            {
                "externalId": "C1",
                "accountExternalId": "A1",
                "number": "ERP-1",
                "title": "Licence",
                "amount": "1000.00",
                "startOn": "2026-01-01",
                "endOn": "2026-12-31",
                "schedule": [{"dueOn": "2026-03-01", "amount": "400.00"}, {"dueOn": "2026-06-01", "amount": "600.00"}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    await run_import(people, "people", pm, settings)
    await run_import(contracts, "contracts", pm, settings, fmt="jsonl")
    for kind in ("accounts", "people", "contracts"):
        for fmt in ("csv", "jsonl"):
            out = io.StringIO()
            await export_rows(sync_kinds(pm)[kind], SYSTEM_ACTOR, out, fmt)
            exported = tmp_path / f"{kind}-export.{fmt}"
            exported.write_text(out.getvalue(), encoding="utf-8")
            outcome, rejects = await run_import(exported, kind, pm, settings, fmt=fmt, source=None)
            expected = {"unchanged": 2} if kind == "accounts" else {"unchanged": 1}
            if kind == "people":  # the member of staff has no account: an HR record, unchanged too
                expected = {"unchanged": 2}
            assert (dict(outcome.counts), rejects) == (expected, []), (kind, fmt)


async def test_duplicates_in_a_file_and_unknown_references_are_reported_in_the_files_names(
    pm, settings, clean, tmp_path
):
    await account("Acme", external_id="A1", source="erp")
    path = write_csv(
        tmp_path / "people.csv",
        ["externalId", "name", "accountExternalId"],
        [["P1", "Wang", "A1"], ["P2", "Li", "A404"], ["P1", "Wang again", "A1"]],
    )
    outcome, rejects = await run_import(path, "people", pm, settings)
    assert dict(outcome.counts) == {"created": 1, "failed": 2}, rejects
    assert [(r["line"], r["externalId"], r["column"], r["code"]) for r in rejects] == [
        ("3", "P2", "accountExternalId", "NOT_FOUND"),
        ("4", "P1", "externalId", "DUPLICATE"),
    ]
    assert rejects[1]["message"] == "externalId 'P1' is on line 2 already; a file has each record once"
    owners = write_csv(
        tmp_path / "accounts.csv",
        ["externalId", "name", "creditCode", "industryCode", "region", "ownerEmail"],
        [["A1", "Acme", credit_code(), "C39", "EAST", "nobody@example.com"]],
    )
    _, rejects = await run_import(owners, "accounts", pm, settings)
    assert [(r["column"], r["code"], r["message"]) for r in rejects] == [
        ("ownerEmail", "NOT_FOUND", "no person you may see is nobody@example.com")
    ]


def test_progress_is_drawn_on_a_terminal_and_silent_in_a_pipe():
    from kamgraph.sync.files import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, drawn in ((Terminal(), True), (io.StringIO(), False)):
        progress = Progress("import accounts.csv", stream)
        progress.update(0.5, "600 records")
        progress.finish()
        assert ("import accounts.csv" in stream.getvalue() and "600 records" in stream.getvalue()) is drawn
