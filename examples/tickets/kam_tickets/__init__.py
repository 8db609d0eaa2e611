"""The ``tickets`` plugin for kamgraph: tickets raised on customer accounts. README.md documents it.

This module is the plugin (its entry point names it): the hooks kamgraph calls, its job and its demo data."""

from datetime import timedelta

from kam_tickets.models import Ticket, TicketStatus
from kam_tickets.permissions import PERMISSIONS
from kam_tickets.schema import TICKETS, TicketMutations
from kamgraph.plugin import Account, Job, JobContext, daily, hookimpl, to_global_id, write_transaction

name = "tickets"
version = "0.1.0"
requires = ("core",)

#: an open ticket older than this is reported (once) by the morning job
OVERDUE_AFTER = timedelta(days=14)


@hookimpl
def register_models():
    return {"tickets": {"models": ["kam_tickets.models"], "migrations": "kam_tickets.migrations"}}


@hookimpl
def register_permissions():
    return PERMISSIONS


@hookimpl
def register_nodes():
    return [TICKETS]


@hookimpl
def register_mutations():
    return [TicketMutations]


@hookimpl
def register_event_types():
    return {
        "tickets.ticket.opened": "A ticket was opened on an account.",
        "tickets.ticket.closed": "A ticket was closed; read its resolution through the API.",
        "tickets.ticket.overdue": f"A ticket is still open {OVERDUE_AFTER.days} days after it was opened.",
    }


async def report_overdue(ctx: JobContext) -> dict[str, int]:
    """Each morning, one tickets.ticket.overdue event per ticket open too long, once each: a run repeated
    (after a crash, say) finds them marked by the write that emitted their events."""
    async with ctx.unit_of_work() as unit:
        late = Ticket.filter(status=TicketStatus.OPEN, created_at__lt=ctx.now - OVERDUE_AFTER)
        overdue = await late.filter(overdue_reported_at__isnull=True).order_by("id")
        for row in overdue:
            unit.emit("tickets.ticket.overdue", row.node_id, accountId=to_global_id("Account", row.account_id))
        await Ticket.filter(id__in=[row.id for row in overdue]).update(overdue_reported_at=ctx.now)
    return {"overdue": len(overdue)}


@hookimpl
def register_jobs():
    return [Job("tickets.report_overdue", report_overdue, daily("08:00"), report_overdue.__doc__)]


@hookimpl
async def register_demo_data(settings, seed, today):
    """One open ticket on each of the first five demo accounts."""
    async with write_transaction():
        for account in await Account.filter(archived_at__isnull=True).order_by("id").limit(5):
            await Ticket.create(account=account, title="Invoice address is out of date", opened_by="Demo")
