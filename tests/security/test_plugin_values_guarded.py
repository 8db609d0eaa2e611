"""Values the bundled plugins carry are guarded as the core's are, on every path (issue 12's three leaks):

- a sales target is its person's own: `salesTarget(id:)`, `node`, `nodes`, a target's `parent` and `parts`
  show another's to no one without pipeline.targets.all, as the list never did;
- an opportunity's amount is the value of the contract it expects (a won one's is its contract's amount):
  masked with that amount, audited, and closed to sorts, filters and totals without contracts.amounts.read;
- a tier review's trailing value is the signed total that `signedValue` masks.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from factories import account, contract, staff

from kamgraph.core.accounts.models import AccountTeamMember, TeamRole, Tier, TierReview
from kamgraph.core.contracts.models import ContractStatus
from kamgraph.plugins.pipeline.models import Opportunity, SalesTarget
from kamgraph.plugins.pipeline.rules import Metric
from kamgraph.security.actors import Role
from kamgraph.security.models import AuditRecord


@pytest.fixture
async def targets(pipeline):
    li, zhao = await staff("Li Wei"), await staff("Zhao Lei")
    department = await SalesTarget.create(metric=Metric.REVENUE, year=2026, value=Decimal("9000000.00"))
    mine = await SalesTarget.create(
        metric=Metric.REVENUE, year=2026, person=li, value=Decimal("1000000.00"), parent=department
    )
    theirs = await SalesTarget.create(
        metric=Metric.REVENUE, year=2026, person=zhao, value=Decimal("2000000.00"), parent=department
    )
    return {"li": li, "zhao": zhao, "department": department, "mine": mine, "theirs": theirs}


async def test_an_account_manager_reads_only_their_own_targets_on_every_path(pipeline, targets, actor_for):
    li = actor_for(targets["li"], Role.ACCOUNT_MANAGER)
    ids = {name: targets[name].node_id for name in ("department", "mine", "theirs")}
    data = await pipeline(
        """query($mine: ID!, $theirs: ID!, $department: ID!, $zhao: ID!, $li: ID!) {
          salesTargets { totalCount edges { node { id } } }
          theirs: salesTarget(id: $theirs) { value }
          department: salesTarget(id: $department) { value }
          node(id: $theirs) { id }
          nodes(ids: [$mine, $theirs, $department]) { id }
          mine: salesTarget(id: $mine) { value parent { id value } parts { id } }
          zhao: person(id: $zhao) { salesTargets { totalCount } }
          li: person(id: $li) { salesTargets { totalCount } }
        }""",
        ids | {"zhao": targets["zhao"].node_id, "li": targets["li"].node_id},
        actor=li,
    )
    assert data["salesTargets"] == {"totalCount": 1, "edges": [{"node": {"id": ids["mine"]}}]}
    assert data["theirs"] is None and data["department"] is None and data["node"] is None
    assert data["nodes"] == [{"id": ids["mine"]}, None, None]
    assert data["mine"] == {"value": "1000000.00", "parent": None, "parts": []}
    # a person's targets, nested under the person: one's own, never a colleague's
    assert data["li"] == {"salesTargets": {"totalCount": 1}}
    assert data["zhao"] is None or data["zhao"] == {"salesTargets": {"totalCount": 0}}


async def test_a_director_reads_every_target_with_its_parts(pipeline, targets, actor_for):
    director = actor_for(await staff("Chen Jing", Role.KA_DIRECTOR), Role.KA_DIRECTOR)
    data = await pipeline(
        "query($id: ID!) { salesTargets { totalCount } salesTarget(id: $id) { parts { value } } }",
        {"id": targets["department"].node_id},
        actor=director,
    )
    assert data["salesTargets"]["totalCount"] == 3
    assert sorted(p["value"] for p in data["salesTarget"]["parts"]) == ["1000000.00", "2000000.00"]


@pytest.fixture
async def won(pipeline):
    """A won opportunity, whose amount is its contract's, at an account with an expert and a success manager."""
    owner = await staff("Li Wei")
    customer = await account("Won Customer", owner=owner)
    deal = await contract(customer, "1234567.00", ContractStatus.ACTIVE)
    now = datetime.now(UTC)
    opportunity = await Opportunity.create(
        account=customer,
        owner=owner,
        title="Platform",
        amount=Decimal("1234567.00"),
        expected_close_on=date.today(),
        stage="WON",
        probability=Decimal("1"),
        stage_entered_at=now,
        first_contact_at=now,
        follow_up_due_at=now,
        closed_at=now,
        contract=deal,
    )
    assigned = {}
    for role, team_role in (
        (Role.SOLUTION_EXPERT, TeamRole.SOLUTION_EXPERT),
        (Role.CUSTOMER_SUCCESS_MANAGER, TeamRole.CUSTOMER_SUCCESS_MANAGER),
    ):
        person = await staff(role.value, role)
        await AccountTeamMember.create(account=customer, person=person, role=team_role)
        assigned[role] = person
    return {"owner": owner, "opportunity": opportunity, "assigned": assigned}


OPPORTUNITY_PATHS = """query($id: ID!) {
  opportunity(id: $id) { amount weightedAmount contract { amount { amount } } }
  node(id: $id) { ... on Opportunity { amount weightedAmount } }
  opportunities { edges { node { amount weightedAmount } } }
  opportunitiesAggregate(groupBy: [STAGE]) { count amount weighted groups { count amount weighted } }
  pipelineForecast(months: 1) { months { count amount weighted } }
}"""


@pytest.mark.parametrize("role", [Role.DATA_ANALYST, Role.SOLUTION_EXPERT, Role.CUSTOMER_SUCCESS_MANAGER])
async def test_an_opportunitys_amount_is_masked_where_the_contracts_is(pipeline, won, actor_for, role):
    person = won["assigned"].get(role) or await staff("Analyst", role)
    data = await pipeline(OPPORTUNITY_PATHS, {"id": won["opportunity"].node_id}, actor=actor_for(person, role))
    assert data["opportunity"] == {"amount": None, "weightedAmount": None, "contract": {"amount": None}}
    assert data["node"] == {"amount": None, "weightedAmount": None}
    assert data["opportunities"]["edges"] == [{"node": {"amount": None, "weightedAmount": None}}]
    aggregate = data["opportunitiesAggregate"]
    assert (aggregate["count"], aggregate["amount"], aggregate["weighted"]) == (1, None, None)
    assert aggregate["groups"] == [{"count": 1, "amount": None, "weighted": None}]
    for probe in ("opportunities(orderBy: [{field: AMOUNT}])", 'opportunities(filter: {amount: {gt: "1234566"}})'):
        refused = await pipeline(f"{{ {probe} {{ totalCount }} }}", actor=actor_for(person, role), errors=True)
        assert refused["errors"][0]["extensions"]["code"] == "BAD_REQUEST", probe
    assert not await AuditRecord.filter(action="read", subject_type="Opportunity").exists()


async def test_the_owner_reads_the_amount_and_every_read_is_audited(pipeline, won, actor_for):
    data = await pipeline(
        OPPORTUNITY_PATHS, {"id": won["opportunity"].node_id}, actor=actor_for(won["owner"], Role.ACCOUNT_MANAGER)
    )
    assert data["opportunity"]["amount"] == "1234567.00"
    assert data["opportunity"]["weightedAmount"] == "1234567.00"
    assert data["opportunitiesAggregate"]["amount"] == "1234567.00"
    reads = await AuditRecord.filter(action="read", subject_type="Opportunity")
    assert [r.account_id for r in reads] == [won["opportunity"].account_id]
    assert await AuditRecord.filter(action="read", subject_type="Opportunity totals").exists()


async def test_a_tier_reviews_trailing_value_is_masked_like_the_signed_value(pipeline, actor_for):
    customer = await account("Reviewed")
    review = await TierReview.create(
        account=customer, current_tier=Tier.CORE, proposed_tier=Tier.STRATEGIC, trailing_value=Decimal("12000000.00")
    )
    query = "query($id: ID!) { node(id: $id) { ... on TierReview { trailingValue } } }"
    analyst = actor_for(await staff("Analyst", Role.DATA_ANALYST), Role.DATA_ANALYST)
    assert (await pipeline(query, {"id": review.node_id}, actor=analyst))["node"] == {"trailingValue": None}
    director = actor_for(await staff("Chen Jing", Role.KA_DIRECTOR), Role.KA_DIRECTOR)
    assert (await pipeline(query, {"id": review.node_id}, actor=director))["node"] == {"trailingValue": "12000000.00"}
    assert await AuditRecord.filter(action="read", subject_type="TierReview").exists()


async def test_events_carry_none_of_these_values_and_targets_reach_only_who_reads_everyones(pipeline, actor_for):
    """Events reach webhooks and subscribers, whose readers the values' guards do not check: they carry ids
    and what changed, never an amount; a sales target's event reaches only those who may read every target."""
    from kamgraph.events.feed import visible_events
    from kamgraph.security.actors import Actor, RowScope, ScopeKind
    from kamgraph.security.models import OutboxEvent

    manager = await staff("Li Wei")
    customer = await account(owner=manager)
    as_manager = actor_for(manager, Role.ACCOUNT_MANAGER)
    made = await pipeline(
        """mutation($id: ID!) { createOpportunity(input: {accountId: $id, title: "Platform", amount: "1234567.00",
          expectedCloseOn: "2027-03-31"}) { opportunity { id version } userErrors { code } } }""",
        {"id": customer.node_id},
        actor=as_manager,
    )
    opportunity = made["createOpportunity"]["opportunity"]
    changed = await pipeline(
        """mutation($id: ID!, $v: Int!) { updateOpportunity(input: {id: $id, expectedVersion: $v, amount: "7654321.00"})
          { userErrors { code } } }""",
        {"id": opportunity["id"], "v": opportunity["version"]},
        actor=as_manager,
    )
    assert changed["updateOpportunity"]["userErrors"] == []
    target = await pipeline(
        """mutation($p: ID!) { setSalesTarget(input: {metric: REVENUE, year: 2026, personId: $p, value: "9000000.00"})
          { userErrors { code } } }""",
        {"p": manager.node_id},
    )
    assert target["setSalesTarget"]["userErrors"] == []
    events = await OutboxEvent.all().order_by("id")
    assert {"pipeline.opportunity.created", "pipeline.opportunity.updated", "pipeline.sales_target.set"} <= {
        e.type for e in events
    }
    for event in events:
        assert not any(amount in json.dumps(event.data) for amount in ("1234567", "7654321", "9000000")), event.type
    # an integration key that may read targets and sees every account still gets no one's own target
    key = Actor(
        name="bi export",
        roles=frozenset({Role.INTEGRATION}),
        scopes=(RowScope(ScopeKind.ALL),),
        via="api_key",
        permissions=frozenset({"pipeline.targets.read", "pipeline.read", "accounts.read"}),
    )
    director = actor_for(await staff("Chen Jing", Role.KA_DIRECTOR), Role.KA_DIRECTOR)
    for_key = {e.type for e in await visible_events(key, events)}
    assert "pipeline.sales_target.set" not in for_key and "pipeline.opportunity.created" in for_key
    assert "pipeline.sales_target.set" in {e.type for e in await visible_events(director, events)}


async def test_a_count_of_rows_whose_amount_meets_a_condition_is_guarded_like_the_amount(pipeline, actor_for):
    """Counting the contracts above an amount would tell the amount bit by bit: Rows.aggregate guards counts
    over a guarded column as it guards sums (a plugin's aggregate included)."""
    from kamgraph.core.contracts.models import Contract
    from kamgraph.security.scope import visible

    await contract(await account("Counted"), "5000.00", ContractStatus.ACTIVE)
    over = {"over": 't."amount" > 1000', "signed": 't."signed_on" IS NOT NULL'}
    analyst = actor_for(await staff("Analyst", Role.DATA_ANALYST), Role.DATA_ANALYST)
    director = actor_for(await staff("Chen Jing", Role.KA_DIRECTOR), Role.KA_DIRECTOR)
    [masked] = await visible(Contract, analyst).aggregate([], counts=over)
    [shown] = await visible(Contract, director).aggregate([], counts=over)
    assert masked["counts"] == {"over": None, "signed": 1} and shown["counts"] == {"over": 1, "signed": 1}
