"""Root queries for people: ``person(id:)`` and ``people(...)``."""

from __future__ import annotations

import strawberry

from kamgraph.api.fields import list_field, node_field
from kamgraph.core.people.models import Person
from kamgraph.core.people.types import PersonFilter, PersonOrder, PersonType


@strawberry.type
class PeopleQueries:
    person = node_field(Person, PersonType)
    people = list_field(
        Person,
        PersonType,
        PersonFilter,
        PersonOrder,
        "Contacts of the accounts you may see, and all staff. Archived people only with includeArchived.",
    )
