"""The plugin's GraphQL: the Ticket type, its lists declared once, and two mutations."""

from datetime import UTC, datetime
from typing import Any

import strawberry

from kam_tickets.models import Ticket, TicketStatus
from kam_tickets.permissions import MANAGE
from kamgraph.plugin import (
    Account,
    AccountType,
    Node,
    NodeType,
    UnitOfWork,
    check_version,
    create,
    described_enum,
    find,
    mutation,
    node_type_of,
    refuse_if,
    save,
    text_problem,
    to_global_id,
    to_one_field,
    violation,
)

# the GraphQL enum, same name, each value described
described_enum(TicketStatus, "OPEN until someone closes it.", {"OPEN": "Not resolved yet.", "CLOSED": "Resolved."})


@strawberry.type(name="Ticket", description="A ticket raised on a customer account.")
class TicketType(Node):
    is_type_of = node_type_of(Ticket)

    title: str = strawberry.field(description="What it is about, in a line.")
    status: TicketStatus = strawberry.field(description="OPEN until someone closes it.")
    opened_by: str = strawberry.field(description="Who opened it.")
    created_at: datetime = strawberry.field(description="When it was opened.")
    version: int = strawberry.field(description="Send it back as expectedVersion to close it.")
    closed_at: datetime | None = strawberry.field(description="When it was closed; null while open.")
    resolution: str | None = strawberry.field(description="How it was closed.")
    account = to_one_field(Account, "account_id", AccountType, "The account it is about.")


# tickets(...) and ticket(id:) at the root, Account.tickets(...), TicketFilter, TicketOrder, node(id:)
TICKETS = NodeType(
    Ticket,
    TicketType,
    list_name="tickets",
    filters=("status", "created_at", "account"),
    orders=("created_at",),
    default_order=("-created_at",),
    parent="account",
    description="The tickets of the accounts you may see, newest first unless ordered otherwise.",
)


@strawberry.input(description="A new ticket: the account it is about and a title.")
class OpenTicketInput:
    account_id: strawberry.ID = strawberry.field(description="The account, which you must be able to see.")
    title: str = strawberry.field(description="What it is about, in a line (at most 200 characters).")


@strawberry.input(description="How an open ticket was resolved.")
class CloseTicketInput:
    id: strawberry.ID = strawberry.field(description="The open ticket.")
    resolution: str = strawberry.field(description="How it was resolved.")
    expected_version: int | None = strawberry.field(default=None, description="CONFLICT if it changed since.")


@strawberry.type
class TicketMutations:
    @mutation(permission=MANAGE, returns={"ticket": TicketType})
    async def open_ticket(unit: UnitOfWork, input: OpenTicketInput) -> dict[str, Any]:
        """Open a ticket on an account you may see."""
        account = await find(unit.actor, Account, input.account_id, ("account_id",), live=True)
        refuse_if([text_problem(input.title, ("title",), max_length=200)])
        row = await create(Ticket, account_id=account.id, title=input.title.strip(), opened_by=unit.actor.name)
        unit.emit("tickets.ticket.opened", row.node_id, accountId=account.node_id)
        return {"ticket": row}

    @mutation(permission=MANAGE, returns={"ticket": TicketType})
    async def close_ticket(unit: UnitOfWork, input: CloseTicketInput) -> dict[str, Any]:
        """Close an open ticket, saying how it was resolved."""
        row = await find(unit.actor, Ticket, input.id, ("id",))
        check_version(row, input.expected_version)
        resolution = input.resolution.strip()
        already = violation(("id",), "this ticket is already closed") if row.status is TicketStatus.CLOSED else None
        refuse_if([already, text_problem(resolution, ("resolution",))])
        await save(row, {"status": TicketStatus.CLOSED, "closed_at": datetime.now(UTC), "resolution": resolution})
        unit.emit("tickets.ticket.closed", row.node_id, accountId=to_global_id("Account", row.account_id))
        return {"ticket": row}
