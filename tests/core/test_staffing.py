"""The staffing model of DOMAIN.md section 1, reported as warnings through the API."""

from factories import account, staff

from kamgraph.core.accounts.models import AccountTeamMember, TeamRole, Tier
from kamgraph.security.actors import Role


async def test_strategic_accounts_without_an_iron_triangle_are_flagged(gql):
    owner, expert = await staff("Owner"), await staff("Expert", role=Role.SOLUTION_EXPERT)
    partial = await account(name="Partial", owner=owner, tier=Tier.STRATEGIC)
    await AccountTeamMember.create(account=partial, person=expert, role=TeamRole.SOLUTION_EXPERT)
    await account(name="Potential", tier=Tier.POTENTIAL)
    data = await gql(
        "{ accounts(orderBy: [{field: NAME}]) { edges { node { name staffingWarnings { code message } } } } }"
    )
    warnings = {e["node"]["name"]: e["node"]["staffingWarnings"] for e in data["accounts"]["edges"]}
    assert warnings["Potential"] == []
    assert warnings["Partial"] == [
        {
            "code": "IRON_TRIANGLE_INCOMPLETE",
            "message": "a strategic account needs an iron triangle; missing: customer success manager",
        }
    ]


async def test_staffing_report_counts_roles_and_loads(gql):
    busy = await staff("Busy Manager")
    for i in range(6):
        await account(name=f"Core {i}", owner=busy, tier=Tier.CORE)
    await account(name="Big", owner=busy, tier=Tier.STRATEGIC)
    data = await gql(
        "{ staffingReport { accountManagers solutionExperts managerLoads { manager { name } coreAccounts strategicAccounts }"
        " warnings { code } } }"
    )
    report = data["staffingReport"]
    assert report["accountManagers"] == 1 and report["solutionExperts"] == 0
    assert report["managerLoads"] == [{"manager": {"name": "Busy Manager"}, "coreAccounts": 6, "strategicAccounts": 1}]
    assert [w["code"] for w in report["warnings"]] == [
        "TOO_FEW_DATA_ANALYSTS",
        "TOO_FEW_CONTRACT_SPECIALISTS",
        "TOO_FEW_SOLUTION_EXPERTS",
        "MANAGER_OVERLOADED",
    ]
