"""Root queries for people: ``person(id:)`` and ``people(...)``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from kamgraph.api import Connection, context, list_connection
from kamgraph.api.nodes import resolve_global_ids
from kamgraph.core.people.models import Person
from kamgraph.core.people.types import PersonFilter, PersonOrder, PersonType


@strawberry.type
class PeopleQueries:
    @strawberry.field(description="One person by id; null when absent or outside your scope.")
    async def person(self, info: Info, id: strawberry.ID) -> PersonType | None:
        found = (await resolve_global_ids(info, [id]))[0]
        return found if isinstance(found, Person) else None

    @strawberry.field(description="Contacts you may see and all staff. Archived people only with includeArchived.")
    async def people(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PersonFilter | None = None,
        order_by: list[PersonOrder] | None = None,
        include_archived: bool = False,
    ) -> Connection[PersonType]:
        rows = context(info).rows(Person).filter(filter)
        return await list_connection(
            info, rows if include_archived else rows.live(),
            order_by=order_by, first=first, after=after, last=last, before=before,
        )
