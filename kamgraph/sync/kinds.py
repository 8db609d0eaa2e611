"""What ``kamgraph import`` and ``kamgraph export`` move: a kind of record, its columns, and how a record
is applied. A record goes through the same service as the ``upsert*`` mutations, so a file and an API
call are validated alike. Column names are those of the GraphQL inputs (camelCase)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING, Any

from tortoise.models import Model

from kamgraph.core.contracts.rules import PlannedInstalment
from kamgraph.ids import to_global_id
from kamgraph.security.audit import ReadLog, read_guarded

if TYPE_CHECKING:
    from kamgraph.events import UnitOfWork
    from kamgraph.security.actors import Actor

#: per export batch: whatever columns need beyond the row itself (e.g. accounts by id)
Lookups = Mapping[str, Any]


def text(raw: str) -> str:
    return raw.strip()


def enum_of(kind: type[Enum]) -> Callable[[str], Enum]:
    def parse(raw: str) -> Enum:
        try:
            return kind[raw.strip().upper()]
        except KeyError:
            raise ValueError(f"{raw!r} is not one of {', '.join(kind.__members__)}") from None

    return parse


def money(raw: str) -> Decimal:
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not an amount such as 1200.50") from None


def day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a date as YYYY-MM-DD") from None


def integer(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a whole number") from None


def boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0"):
        return False
    raise ValueError(f"{raw!r} is not true or false")


def schedule(raw: str) -> list[PlannedInstalment]:
    """``2026-02-01 400.00; 2026-06-01 600.00`` (in JSON lines also a list of {dueOn, amount})."""
    parts = [p.split() for p in raw.split(";") if p.strip()]
    if any(len(p) != 2 for p in parts):
        raise ValueError("a schedule is 'YYYY-MM-DD amount' pairs separated by ';'")
    return [PlannedInstalment(day(due), money(amount)) for due, amount in parts]


def dump_schedule(instalments: list[Any]) -> list[dict[str, str]]:
    """As JSON lines write it: ``[{"dueOn": "2026-02-01", "amount": "400.00"}, ...]``."""
    return [{"dueOn": i.due_on.isoformat(), "amount": str(i.amount)} for i in instalments]


@dataclass(frozen=True)
class Column:
    """``name`` in the file, ``attr`` in the service's values and on the model row."""

    name: str
    attr: str
    parse: Callable[[str], Any] | None = text  # None: export only
    default: Any = None
    #: the exported value; default: the row's attribute (enums by name, global ids for ``*_id`` references)
    dump: Callable[[Model, Lookups], Any] | None = None
    #: the model field whose permission guards this column, when it is not ``attr`` itself
    guarded_by: str | None = None
    #: written by exports too (False: an import's way to name something, e.g. an owner by e-mail)
    exported: bool = True


@dataclass(frozen=True)
class SyncKind:
    """A kind of record: ``apply(unit, source, values)`` upserts one and returns (outcome, row)."""

    name: str
    model: type[Model]
    columns: tuple[Column, ...]
    apply: Callable[[UnitOfWork, str, dict[str, Any]], Awaitable[tuple[str, Model]]]
    #: what a caller needs to import (people check their own, per kind of person)
    permission: str | None = None
    #: loads, for one batch of exported rows, what their columns refer to
    lookups: Callable[[Actor, list[Model]], Awaitable[Lookups]] | None = None

    def parse(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Typed values from one file record, and (column, message) for each value that does not parse."""
        values: dict[str, Any] = {}
        problems = []
        for column in self.columns:
            if column.parse is None:
                continue
            given = raw.get(column.name)
            if given is None or given == "":
                values[column.attr] = column.default
                continue
            try:
                values[column.attr] = column.parse(given) if isinstance(given, str) else _from_json(column, given)
            except ValueError as exc:
                problems.append((column.name, str(exc)))
        return values, problems

    @property
    def exported_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.exported)

    def column_of(self, attr: str) -> str:
        """The file's name for a service's value (``industry_section`` is ``industryLine``)."""
        return next((c.name for c in self.columns if c.attr == attr), attr)

    def dump(self, row: Model, lookups: Lookups, actor: Actor, reads: ReadLog) -> dict[str, Any]:
        """One exported record; guarded values only for an actor with their permission (and audited)."""
        record = {}
        for c in self.exported_columns:
            guard = c.guarded_by or c.attr
            if guard in row.sensitive_fields and read_guarded(actor, reads, row, guard) is None:
                record[c.name] = None
            else:
                record[c.name] = c.dump(row, lookups) if c.dump else _plain(row, c.attr)
        return record


def _from_json(column: Column, value: Any) -> Any:
    if column.parse is schedule and isinstance(value, list):
        return [PlannedInstalment(day(i["dueOn"]), money(str(i["amount"]))) for i in value]
    return column.parse(str(value)) if not isinstance(value, bool) else value


def _plain(row: Model, attr: str) -> Any:
    value = getattr(row, attr)
    if isinstance(value, Enum):
        return value.value
    if attr.endswith("_id") and attr != "external_id" and value is not None:
        field = row._meta.fields_map.get(attr[:-3])
        return to_global_id(field.related_model.__name__, value) if field is not None else value
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def external_id_of_account(row: Model, lookups: Lookups) -> str | None:
    account = lookups.get("accounts", {}).get(row.account_id)
    return account.external_id if account is not None else None


async def accounts_of_rows(actor: Actor, rows: list[Model]) -> Lookups:
    from kamgraph.core.accounts.models import Account
    from kamgraph.security.scope import visible

    ids = {row.account_id for row in rows if row.account_id is not None}
    return {"accounts": await visible(Account, actor).get_many(ids) if ids else {}}


def core_kinds() -> list[SyncKind]:
    from kamgraph.core.accounts import services as accounts
    from kamgraph.core.accounts.models import (
        Account,
        AccountSize,
        AccountStatus,
        Region,
    )
    from kamgraph.core.contracts import services as contracts
    from kamgraph.core.contracts.models import Contract, Edition
    from kamgraph.core.people import services as people
    from kamgraph.core.people.models import Person, PersonKind, RelationshipLevel

    identity = (
        Column("id", "id", None, dump=lambda row, _: row.node_id),
        Column("source", "source", None),  # read by import_file itself: the record's system, else --source
        Column("externalId", "external_id"),
    )
    account_reference = (
        Column("accountId", "account_id"),
        Column("accountExternalId", "account_external_id", dump=external_id_of_account),
    )

    async def apply_account(unit: UnitOfWork, source: str, values: dict[str, Any]) -> tuple[str, Model]:
        values = dict(values)
        email, external = values.pop("owner_email", None), values.pop("owner_external_id", None)
        if email or external:
            values["owner_id"] = await person_reference(unit, source, "owner", email, external)
        return await accounts.upsert_account(unit, source, values)

    async def apply_contract(unit: UnitOfWork, source: str, values: dict[str, Any]) -> tuple[str, Model]:
        values = dict(values)
        planned = values.pop("schedule")
        return await contracts.upsert_contract(unit, source, values, planned)

    return [
        SyncKind(
            "accounts",
            Account,
            (
                *identity,
                Column("name", "name"),
                Column("creditCode", "credit_code"),
                Column("industryCode", "industry_code"),
                Column("region", "region", enum_of(Region)),
                Column("size", "size", enum_of(AccountSize), AccountSize.MEDIUM),
                Column("status", "status", enum_of(AccountStatus), AccountStatus.PROSPECT),
                Column("ownerId", "owner_id"),
                Column("ownerEmail", "owner_email", exported=False),
                Column("ownerExternalId", "owner_external_id", exported=False),
                Column("parentId", "parent_id"),
                Column("tier", "tier", None),
                Column("version", "version", None),
            ),
            apply_account,
            permission="accounts.write",
        ),
        SyncKind(
            "people",
            Person,
            (
                *identity,
                Column("kind", "kind", enum_of(PersonKind), PersonKind.CONTACT),
                Column("name", "name"),
                Column("title", "title"),
                *account_reference,
                Column("relationshipLevel", "relationship_level", enum_of(RelationshipLevel)),
                Column("phone", "phone"),
                Column("email", "email"),
                Column("isKeyDecisionMaker", "is_key_decision_maker", boolean, False),
                Column("region", "region"),
                Column("industryLine", "industry_section"),
                Column("status", "status", None),
                Column("version", "version", None),
            ),
            people.upsert_person,
            lookups=accounts_of_rows,
        ),
        SyncKind(
            "contracts",
            Contract,
            (
                *identity,
                *account_reference,
                Column("number", "number"),
                Column("title", "title"),
                Column("amount", "amount", money),
                Column("startOn", "start_on", day),
                Column("endOn", "end_on", day),
                Column("edition", "edition", enum_of(Edition), Edition.BASIC),
                Column("currency", "currency", text, "CNY"),
                Column("paymentTermsDays", "payment_terms_days", integer, 30),
                Column(
                    "schedule",
                    "schedule",
                    schedule,
                    dump=lambda row, lookups: dump_schedule(lookups["instalments"].get(row.id, [])),
                    guarded_by="amount",
                ),
                Column("status", "status", None),
                Column("signedOn", "signed_on", None),
                Column("version", "version", None),
            ),
            apply_contract,
            permission="contracts.draft",
            lookups=_contract_lookups,
        ),
    ]


async def person_reference(unit: UnitOfWork, source: str, role: str, email: str | None, external_id: str | None) -> str:
    """The global id of the person a record names by e-mail or by their id in ``source``: what an ERP knows."""
    from kamgraph.core.people.models import Person
    from kamgraph.crypto import keyring
    from kamgraph.errors import Code, Problem, Refused
    from kamgraph.security.scope import visible
    from kamgraph.writes import find_external

    if email:
        found = await visible(Person, unit.actor).where("email_index", keyring().blind_index(email, "email")).all()
        column, named = f"{role}_email", email
    else:
        found = [person] if (person := await find_external(unit.actor, Person, source, str(external_id))) else []
        column, named = f"{role}_external_id", f"{external_id} from {source}"
    if len(found) != 1:
        reason = "no person you may see" if not found else f"{len(found)} people"
        raise Refused([Problem((column,), Code.NOT_FOUND, f"{reason} is {named}")])
    return found[0].node_id


async def _contract_lookups(actor: Actor, rows: list[Model]) -> Lookups:
    from kamgraph.core.contracts.models import Instalment
    from kamgraph.security.scope import visible

    instalments: dict[int, list[Any]] = {}
    if rows:
        for instalment in await visible(Instalment, actor).where("contract", [row.id for row in rows]).all():
            instalments.setdefault(instalment.contract_id, []).append(instalment)
    for group in instalments.values():
        group.sort(key=lambda i: i.sequence)
    return {**await accounts_of_rows(actor, rows), "instalments": instalments}
