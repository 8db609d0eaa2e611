"""The one scoped accessor for rows: ``visible(Model, actor)``.

Every read of an account-owned model goes through here, whatever the path (lists, ``node``, nested
fields, filters through relations, aggregates), so the row rule of DOMAIN.md section 1 is written
once. A row the actor may not see is simply not returned: denied and missing look the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tortoise.models import Model

from kamgraph.db import sql
from kamgraph.db.sql import Order, Params, column, quote, table
from kamgraph.security.actors import Actor, RowScope, ScopeKind
from kamgraph.security.audit import ReadLog

NO_ORDER = Order()  # by key alone


def account_condition(scope: RowScope, params: Params, alias: str) -> str | None:
    """SQL admitting the accounts (aliased ``alias``) that one row scope grants."""
    if scope.kind is ScopeKind.ALL:
        return None
    if scope.kind is ScopeKind.ASSIGNED:
        person = params.add(scope.person_id)
        member = params.add(scope.person_id)
        return (
            f'{alias}."owner_id" = {person} OR {alias}."id" IN '
            f'(SELECT "account_id" FROM "account_team_member" WHERE "person_id" = {member})'
        )
    col = '"industry_section"' if scope.kind is ScopeKind.INDUSTRY else '"region"'
    return f"{alias}.{col} IN ({params.add_all(scope.values)})"


@dataclass(frozen=True)
class ActorScope:
    """The ``Scope`` that :mod:`kamgraph.db.sql` applies to every table it reads for ``actor``.

    A model's ``read_permission`` gates all its rows, ``owned_by`` narrows them to the caller's own, and
    ``scope_via`` to the caller's accounts; its ``sensitive_fields`` (field -> permission) may not be
    filtered or sorted on without that permission, so masked values cannot be probed. An ``internal``
    model (logins, sessions) has no rows here at all.
    """

    actor: Actor

    def condition(self, model: type[Model], params: Params, alias: str) -> str | None:
        permission = getattr(model, "read_permission", None)
        if (permission and not self.actor.can(permission)) or getattr(model, "internal", False):
            return "1=0"
        parts = []
        owned_by = getattr(model, "owned_by", None)
        if owned_by and not self.actor.can(owned_by[1]):
            own = self.actor.person_id
            parts.append("1=0" if own is None else f"{alias}.{column(model, owned_by[0])} = {params.add(own)}")
        path = getattr(model, "scope_via", None)
        if path is not None and not self.actor.sees_everything:  # else reference data, or an actor who sees all
            parts.append(_scoped(model, path, self.actor, params, alias))
        return " AND ".join(f"({p})" for p in parts) if parts else None

    def check_field(self, model: type[Model], name: str) -> None:
        permission = getattr(model, "sensitive_fields", {}).get(name)
        if permission and not self.actor.can(permission):
            raise sql.FilterError(f"you may not filter or sort on {model.__name__}.{name}")


def _scoped(model: type[Model], path: tuple[str, ...], actor: Actor, params: Params, alias: str) -> str:
    if not path:  # the account itself
        conditions = [account_condition(s, params, alias) for s in actor.scopes]
        admitted = [c for c in conditions if c]
        return " OR ".join(f"({c})" for c in admitted) if admitted else "1=0"
    first, *rest = path
    fk = model._meta.fields_map[first]
    target: type[Model] = fk.related_model
    inner = f"{alias}_s"
    public = getattr(model, "scope_public", None)
    # Placeholders are positional on SQLite: add each in the order it appears in the text.
    prefix = f"{alias}.{quote(public[0])} = {params.add(public[1])} OR " if public else ""
    inner_condition = _scoped(target, tuple(rest), actor, params, inner)
    return (
        f"{prefix}{alias}.{column(model, first)} IN (SELECT {inner}.{quote(target._meta.db_pk_column)} "
        f"FROM {table(target)} {inner} WHERE {inner_condition})"
    )


@dataclass(frozen=True)
class Page:
    """One page of a connection: the rows, and whether more lie beyond either end."""

    rows: list[Any]
    keys: tuple[tuple[str, bool], ...]
    has_next: bool = False
    has_previous: bool = False


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: list[Any] | None = None  # decoded cursor values
    last: int | None = None
    before: list[Any] | None = None


@dataclass(frozen=True)
class Rows:
    """The rows of ``model`` that ``actor`` may see, optionally narrowed; every read method is one statement."""

    model: type[Model]
    actor: Actor
    filters: tuple[Any, ...] = ()
    conditions: tuple[tuple[str, str, Any], ...] = field(default=())  # (field name, operator, value)
    include_archived: bool = True
    #: the model fields to read, as light rows (``kamgraph.db.light``); None reads whole model instances
    columns: frozenset[str] | None = None
    #: the request's log of sensitive reads: totals of guarded columns are audited there
    reads: ReadLog | None = None

    # --- narrowing (returns new Rows; nothing runs yet) ---

    def filter(self, spec: Any) -> Rows:
        return self if spec is None else replace(self, filters=(*self.filters, spec))

    def where(self, name: str, value: Any, op: str = "=") -> Rows:
        """Narrow to ``name op value``; a list value with ``=`` means IN; None means IS (NOT) NULL. ``name``
        may follow foreign keys (``"contract.status"``): the row's own scope already admits the row."""
        if op not in {"=", "<>", "<", "<=", ">", ">="}:
            raise ValueError(f"unsupported operator {op!r}")
        return replace(self, conditions=(*self.conditions, (name, op, value)))

    def live(self) -> Rows:
        """Leave out archived rows."""
        return replace(self, include_archived=False)

    def only(self, names: Iterable[str]) -> Rows:
        """Read only these model fields (and the key), as light rows: for the fast path, which knows what a
        query needs and reads nothing else from its rows."""
        return replace(self, columns=frozenset((*names, self.model._meta.pk_attr)))

    # --- SQL ---

    def _where(self, params: Params, alias: str) -> str:
        scope = ActorScope(self.actor)
        parts = [scope.condition(self.model, params, alias)]
        for spec in self.filters:
            parts.append(sql.compile_filter(self.model, spec, params, alias, scope))
        for name, op, value in self.conditions:
            parts.append(_condition(self.model, name, op, value, params, alias))
        if not self.include_archived and "archived_at" in self.model._meta.fields_map:
            parts.append(f'{alias}."archived_at" IS NULL')
        present = [p for p in parts if p]
        return " AND ".join(f"({p})" for p in present) if present else "1=1"

    async def get_many(self, ids: Iterable[Any]) -> dict[Any, Model]:
        ids = list(dict.fromkeys(i for i in ids if i is not None))
        if not ids:
            return {}
        rows = await self.where(self.model._meta.pk_attr, ids).all()
        return {row.pk: row for row in rows}

    async def get(self, pk: Any) -> Model | None:
        return (await self.get_many([pk])).get(pk)

    async def all(self, order: Order = NO_ORDER) -> list[Model]:
        params = Params()
        statement = (
            f"SELECT {sql.select_columns(self.model, 't', self.columns)} FROM {table(self.model)} t "
            f"WHERE {self._where(params, 't')} ORDER BY {sql.order_sql(self.model, order.with_pk(self.model), 't')}"
        )
        return await sql.fetch(self.model, statement, params, light=self.columns is not None)

    async def count(self) -> int:
        params = Params()
        rows = await sql.fetch_values(
            f"SELECT COUNT(*) AS n FROM {table(self.model)} t WHERE {self._where(params, 't')}", params
        )
        return int(rows[0]["n"])

    async def count_by(self, parent: str, parent_ids: Sequence[Any]) -> dict[Any, int]:
        """How many rows each parent has: one ``GROUP BY`` for all parents."""
        params = Params()
        col = column(self.model, parent)
        rows = await sql.fetch_values(
            f"SELECT t.{col} AS parent, COUNT(*) AS n FROM {table(self.model)} t "
            f"WHERE {self.where(parent, list(parent_ids))._where(params, 't')} GROUP BY t.{col}",
            params,
        )
        counts = {row["parent"]: int(row["n"]) for row in rows}
        return {pid: counts.get(pid, 0) for pid in parent_ids}

    async def page(self, order: Order, request: PageRequest) -> Page:
        pages = await self._pages(order, request, parent=None, parent_ids=())
        return pages[None]

    async def pages_by(
        self, parent: str, parent_ids: Sequence[Any], order: Order, request: PageRequest
    ) -> dict[Any, Page]:
        """One page per parent in one statement (``ROW_NUMBER() OVER (PARTITION BY parent)``)."""
        return await self._pages(order, request, parent=parent, parent_ids=parent_ids)

    async def _pages(
        self, order: Order, request: PageRequest, parent: str | None, parent_ids: Sequence[Any]
    ) -> dict[Any, Page]:
        backwards = request.last is not None and request.first is None
        limit = request.last if backwards else request.first
        keys = order.with_pk(self.model)
        for name, _ in keys:
            ActorScope(self.actor).check_field(self.model, name)
        scan_keys = Order(keys).flipped().keys if backwards else keys
        rows_filter = self.where(parent, list(parent_ids)) if parent else self
        params = Params()
        where = [rows_filter._where(params, "t")]
        if request.after is not None:
            where.append(sql.keyset_after(self.model, keys, request.after, params, "t"))
        if request.before is not None:
            where.append(sql.keyset_after(self.model, Order(keys).flipped().keys, request.before, params, "t"))
        condition = " AND ".join(f"({w})" for w in where)
        columns = sql.select_columns(self.model, "t", self.columns)
        ordering = sql.order_sql(self.model, scan_keys, "t")
        if parent is None:
            statement = (
                f"SELECT {columns} FROM {table(self.model)} t WHERE {condition} "
                f"ORDER BY {ordering} LIMIT {params.add(limit + 1)}"
            )
        else:
            partition = f"t.{column(self.model, parent)}"
            statement = (
                f"SELECT * FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {ordering}) "
                f'AS "_rn" FROM {table(self.model)} t WHERE {condition}) w WHERE "_rn" <= {params.add(limit + 1)} '
                f'ORDER BY "_rn"'
            )
        rows = await sql.fetch(self.model, statement, params, light=self.columns is not None)
        grouped: dict[Any, list[Model]] = {pid: [] for pid in parent_ids} if parent else {None: []}
        parent_attr = None if parent is None else self.model._meta.fields_map[parent].source_field
        for row in rows:
            grouped.setdefault(getattr(row, parent_attr) if parent_attr else None, []).append(row)
        pages = {}
        for key, group in grouped.items():
            more = len(group) > limit
            group = group[:limit]
            if backwards:
                group.reverse()
            pages[key] = Page(
                rows=group,
                keys=keys,
                has_next=more if not backwards else request.before is not None,
                has_previous=more if backwards else request.after is not None,
            )
        return pages

    async def aggregate(
        self,
        group_by: Sequence[str],
        sums: Mapping[str, str] = {},
        counts: Mapping[str, str] = {},
        values: Mapping[str, str] = {},
    ) -> list[dict[str, Any]]:
        """``COUNT(*)``, exact money totals and conditional counts per group, in one SQL statement.

        ``group_by`` names columns of the model, or of a model foreign keys away (``"account.tier"``,
        ``"contract.account.region"``). ``sums`` maps result names to SQL money expressions over the alias ``t``,
        ``counts`` result names to SQL conditions (the rows of the group that meet each), ``values`` result
        names to other SQL aggregate expressions (``COUNT(DISTINCT ...)``, ``AVG(...)``), returned as the
        database gives them.

        A sum, count or value that reads a guarded column (``sensitive_fields``) is None for an actor without its
        permission, and an audited read of totals for one with it: a total (or a count of rows whose amount meets
        a condition) is as sensitive as its values.
        """
        masked = self._masked({**sums, **counts, **values})
        all_sums, all_counts, all_values = sums, counts, values
        sums = {name: expr for name, expr in sums.items() if name not in masked}
        counts = {name: expr for name, expr in counts.items() if name not in masked}
        values = {name: expr for name, expr in values.items() if name not in masked}
        params = Params()
        joins: dict[str, tuple[str, type[Model], str]] = {}  # path -> (alias, model, join SQL)
        keys = []
        for name in group_by:
            *relations, attr = name.split(".")
            alias, model = "t", self.model
            for depth in range(len(relations)):
                path = ".".join(relations[: depth + 1])
                if path not in joins:
                    target = model._meta.fields_map[relations[depth]].related_model
                    joined = f"j{len(joins)}"
                    joins[path] = (
                        joined,
                        target,
                        f" LEFT JOIN {table(target)} {joined} ON "
                        f"{joined}.{quote(target._meta.db_pk_column)} = {alias}.{column(model, relations[depth])}",
                    )
                alias, model = joins[path][0], joins[path][1]
            keys.append((name, f"{alias}.{column(model, attr)}"))
        join_sql = "".join(join for _, _, join in joins.values())
        selected = [f"{expr} AS {quote(f'k{i}')}" for i, (_, expr) in enumerate(keys)]
        selected.append("COUNT(*) AS n")
        selected += [f"{sql.money_sum(expr)} AS {quote(f's{i}')}" for i, expr in enumerate(sums.values())]
        selected += [
            f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {quote(f'c{i}')}"
            for i, condition in enumerate(counts.values())
        ]
        selected += [f"{expression} AS {quote(f'v{i}')}" for i, expression in enumerate(values.values())]
        statement = (
            f"SELECT {', '.join(selected)} FROM {table(self.model)} t{join_sql} WHERE {self._where(params, 't')}"
        )
        if keys:
            statement += f" GROUP BY {', '.join(expr for _, expr in keys)} ORDER BY n DESC"
        result = []
        for row in await sql.fetch_values(statement, params):
            result.append(
                {
                    "keys": {name: row[f"k{i}"] for i, (name, _) in enumerate(keys)},
                    "count": int(row["n"]),
                    "sums": {name: sql.money_from_sum(row[f"s{i}"]) for i, name in enumerate(sums)}
                    | dict.fromkeys(masked & set(all_sums)),
                    "counts": {name: int(row[f"c{i}"] or 0) for i, name in enumerate(counts)}
                    | dict.fromkeys(masked & set(all_counts)),
                    "values": {name: row[f"v{i}"] for i, name in enumerate(values)}
                    | dict.fromkeys(masked & set(all_values)),
                }
            )
        return result

    def _masked(self, expressions: Mapping[str, str]) -> set[str]:
        """The names of the expressions over guarded columns that the actor may not total; audits the others."""
        masked = set()
        for name, expression in expressions.items():
            for field_name, permission in getattr(self.model, "sensitive_fields", {}).items():
                if f"t.{column(self.model, field_name)}" not in expression.replace(" ", ""):
                    continue
                if not self.actor.can(permission):
                    masked.add(name)
                elif self.reads is not None:
                    self.reads.add(None, field_name, subject_type=f"{self.model.__name__} totals")
        return masked


def _condition(model: type[Model], name: str, op: str, value: Any, params: Params, alias: str) -> str:
    relation, _, rest = name.partition(".")
    if rest:  # through a foreign key: the key is among the related rows that match
        target = model._meta.fields_map[relation].related_model
        inner = f"{alias}_{relation}"
        return (
            f"{alias}.{column(model, relation)} IN (SELECT {inner}.{quote(target._meta.db_pk_column)} FROM {table(target)} {inner} "
            f"WHERE {_condition(target, rest, op, value, params, inner)})"
        )
    col = sql.expr(model, name, alias)
    if value is None:
        return f"{col} IS {'NOT ' if op == '<>' else ''}NULL"
    if op != "=":
        return f"{col} {op} {params.add(sql.to_db(model, name, value))}"
    if isinstance(value, list | tuple | set | frozenset):
        return f"{col} IN ({params.add_all([sql.to_db(model, name, v) for v in value])})"
    return f"{col} = {params.add(sql.to_db(model, name, value))}"


def visible(model: type[Model], actor: Actor) -> Rows:
    """The rows of ``model`` that ``actor`` may see. The only way the API reads account-owned rows."""
    return Rows(model, actor)
