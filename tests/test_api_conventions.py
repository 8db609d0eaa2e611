"""API.md's conventions, held for every mutation of the core and the bundled plugins (schema/kamgraph.graphql)."""

from pathlib import Path

import pytest
from graphql import build_schema

from kamgraph.api.mutations import field_naming_problem, naming_problem

SDL = build_schema((Path(__file__).parent.parent / "schema" / "kamgraph.graphql").read_text(encoding="utf-8"))
MUTATIONS = SDL.mutation_type.fields


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_every_mutation_is_verb_noun_with_its_own_input_and_payload(name):
    field = MUTATIONS[name]
    assert field_naming_problem(name, field) is None
    payload = SDL.get_type(str(field.type).rstrip("!"))
    assert str(payload.fields["userErrors"].type) == "[UserError!]!"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_every_mutation_says_which_permission_it_needs(name):
    description = MUTATIONS[name].description or ""
    assert (
        "Requires the permission `" in description
        or "Requires one of the permissions" in description
        or (name in {"login", "logout"} and "Open to every caller." in description)
    )


def test_the_rule_catches_each_kind_of_deviation():
    assert naming_problem("createOpportunity", {"input": "CreateOpportunityInput!"}, "OpportunityPayload!")
    assert naming_problem("recordFollowUp", {"input": "OpportunityIdInput!"}, "RecordFollowUpPayload!")
    assert naming_problem("closeTicket", {"id": "ID!"}, "CloseTicketPayload!")
    assert naming_problem("CloseTicket", {"input": "CloseTicketInput!"}, "CloseTicketPayload!")
    assert naming_problem("closeTicket", {"input": "CloseTicketInput"}, "CloseTicketPayload!")  # required fields
    assert naming_problem("closeTicket", {"input": "CloseTicketInput!"}, "CloseTicketPayload!") is None
    assert naming_problem("logout", {}, "LogoutPayload!") is None
