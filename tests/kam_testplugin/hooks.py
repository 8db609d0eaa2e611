"""Wiring of the test plugin: every kind of hook, each as small as it can be."""

from __future__ import annotations

import asyncio
import os

import strawberry
from strawberry.types import Info

from kam_testplugin.models import AccountNote
from kamgraph.plugin import (
    Account,
    Connection,
    Contract,
    HealthSignal,
    Job,
    Node,
    Permission,
    Role,
    SignalValue,
    context,
    create,
    every,
    find,
    hookimpl,
    invalid,
    list_connection,
    mutation,
    node_type_of,
    refuse_if,
    to_global_id,
)

#: events this plugin has seen, in order (the tests read it)
RECEIVED: list = []

__all__ = [
    "on_event",
    "register_event_types",
    "register_health_signals",
    "register_jobs",
    "register_metrics",
    "register_models",
    "register_mutations",
    "register_node_types",
    "register_permissions",
    "register_queries",
    "register_type_extensions",
    "register_types",
]


@strawberry.type(name="AccountNote")
class AccountNoteType(Node):
    is_type_of = node_type_of(AccountNote)
    text: str


@strawberry.type
class NoteQueries:
    @strawberry.field(description="Fails unexpectedly, so tests can see how faults are reported.")
    def explode(self) -> int:
        raise RuntimeError("secret detail: the database password is hunter2")

    @strawberry.field
    async def account_notes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AccountNoteType]:
        return await list_connection(info, context(info).rows(AccountNote), first=first, after=after)


@strawberry.input
class AddAccountNoteInput:
    account_id: strawberry.ID
    text: str


@strawberry.type
class NoteMutations:
    @mutation(permission="testplugin.note", returns={"note": AccountNoteType})
    async def add_account_note(unit, input: AddAccountNoteInput):
        """Add a note to an account."""
        account = await find(unit.actor, Account, input.account_id, ("account_id",))
        refuse_if([invalid(("text",), "a note needs text")] if not input.text.strip() else [])
        note = await create(AccountNote, account_id=account.id, text=input.text)
        unit.emit("note.added", note.node_id, accountId=account.node_id)
        return {"note": note}


async def _note_count(root, info: Info) -> int:
    ctx = context(info)

    async def load(ids):
        counts = await ctx.rows(AccountNote).count_by("account", ids)
        return [counts[i] for i in ids]

    return await ctx.loader("testplugin.note_count", load).load(root.id)


@hookimpl
def register_models():
    return {"testplugin": {"models": ["kam_testplugin.models"], "migrations": "kam_testplugin.migrations"}}


@hookimpl
def register_types():
    return [AccountNoteType]


@hookimpl
def register_queries():
    return [NoteQueries]


@hookimpl
def register_mutations():
    return [NoteMutations]


@hookimpl
def register_type_extensions():
    return [("Account", strawberry.field(resolver=_note_count, name="noteCount", description="Notes on this account."))]


@hookimpl
def register_node_types():
    return {"AccountNote": AccountNote}


@hookimpl
def register_event_types():
    return {"note.added": "A note was added to an account."}


@hookimpl
def register_permissions():
    return {"testplugin.note": Permission.of("Add notes to accounts", Role.ACCOUNT_MANAGER, Role.KA_DIRECTOR)}


@hookimpl
async def on_event(event, unit):
    RECEIVED.append(event)
    if event.type == "contract.signed":  # react to a core event by writing rows of our own, audited
        contract = await find(unit.actor, Contract, event.subject, ("subject",))
        note = await create(AccountNote, account_id=contract.account_id, text=f"Contract {contract.number} signed")
        unit.emit("note.added", note.node_id, accountId=to_global_id("Account", contract.account_id))


async def _tally_notes(ctx):
    """A job that takes as long as KAM_TESTPLUGIN_JOB_SECONDS says, so tests can overlap two runs."""
    await asyncio.sleep(float(os.environ.get("KAM_TESTPLUGIN_JOB_SECONDS", "0")))
    return {"notes": await AccountNote.all().count()}


@hookimpl
def register_jobs():
    return [Job("kam_testplugin.tally_notes", _tally_notes, every(minutes=5), "Count the notes (a test job).")]


async def _notes_signal(ctx, account_ids):
    """Accounts someone writes notes about are looked after: 100 with five notes or more."""
    counts = await ctx.rows(AccountNote).count_by("account", list(account_ids))
    return {a: SignalValue(min(100, 20 * n), f"{n} notes") for a, n in counts.items()}


@hookimpl
def register_health_signals():
    return [HealthSignal("kam_testplugin.notes", "Notes written about the account (a test signal).", _notes_signal)]


class NotesCollector:
    """A custom collector, as a plugin would add one: its value is worked out at each scrape."""

    scrapes = 0

    def collect(self):
        from prometheus_client.core import CounterMetricFamily

        NotesCollector.scrapes += 1
        yield CounterMetricFamily("kam_testplugin_scrapes", "Scrapes this plugin has seen", value=self.scrapes)


@hookimpl
def register_metrics():
    return [NotesCollector()]
