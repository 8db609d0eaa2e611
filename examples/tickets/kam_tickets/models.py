"""The plugin's table: a ticket belongs to a customer account and is seen by whoever may see that account."""

from enum import Enum

from tortoise import fields

from kam_tickets.permissions import READ
from kamgraph.plugin import VersionedModel


class TicketStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Ticket(VersionedModel):
    """A ticket on a customer account, opened at created_at."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="tickets", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=200)
    status = fields.CharEnumField(TicketStatus, max_length=6, default=TicketStatus.OPEN)
    opened_by = fields.CharField(max_length=200)
    closed_at = fields.DatetimeField(null=True)
    resolution = fields.TextField(null=True)
    overdue_reported_at = fields.DatetimeField(null=True)  # the job reports each once, in the write that marks it

    # VersionedModel's version makes two people closing one at once a CONFLICT, not a double close
    scope_via = ("account",)  # the row scope: start-up refuses an account-owned table without one
    read_permission = READ

    class Meta:
        app = "tickets"
        table = "tickets_ticket"
        indexes = (("account_id", "created_at"), ("status", "created_at"))  # Account.tickets, the job
