"""The core's permissions and the roles that hold them by default: DOMAIN.md section 1 as data.

Reading a kind of row needs its ``*.read`` permission (the scoped accessor enforces it); sensitive
values need their own (``contracts.amounts.read``, ``contacts.personal.read``) and are null without it.
"""

from kamgraph.security.actors import Role
from kamgraph.security.permissions import Permission

KA, IND, REG = Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR
AM, SE, CSM = Role.ACCOUNT_MANAGER, Role.SOLUTION_EXPERT, Role.CUSTOMER_SUCCESS_MANAGER
ANALYST, SPECIALIST, AGENT = Role.DATA_ANALYST, Role.CONTRACT_SPECIALIST, Role.SERVICE_AGENT
DIRECTORS = (KA, IND, REG)
STAFF = (*DIRECTORS, AM, SE, CSM, ANALYST, SPECIALIST, AGENT)  # every internal role; integrations get scopes

#: the guard of every contract amount, and of every value that copies one (a plugin's money often does)
AMOUNTS_READ = "contracts.amounts.read"

CORE_PERMISSIONS = {
    "accounts.read": Permission.of("Read accounts, their teams and tier reviews", *STAFF),
    "accounts.write": Permission.of("Create and update accounts", *DIRECTORS, AM),
    "accounts.archive": Permission.of("Archive accounts", *DIRECTORS),
    "accounts.team": Permission.of("Add, change and remove account team members", *DIRECTORS, AM),
    "tiers.evaluate": Permission.of("Run tier re-evaluation (proposals only)", *DIRECTORS, ANALYST),
    "tiers.decide": Permission.of("Confirm or dismiss proposed tier changes", *DIRECTORS),
    "people.read": Permission.of("Read contacts and staff", *STAFF),
    "contacts.write": Permission.of("Create, update and archive contacts", *DIRECTORS, AM, SE, CSM),
    "contacts.personal.read": Permission.of(
        "See contacts' phone and e-mail (sensitive, audited)", *DIRECTORS, AM, SE, CSM, AGENT
    ),
    "staff.manage": Permission.of("Create staff, assign roles, manage logins", KA),
    "contracts.read": Permission.of("Read contracts, schedules and payments", *STAFF),
    AMOUNTS_READ: Permission.of(
        "See contract amounts and payments (sensitive, audited)", *DIRECTORS, AM, SPECIALIST, AGENT
    ),
    "contracts.draft": Permission.of("Create, edit, archive and submit draft contracts", *DIRECTORS, AM, SPECIALIST),
    "contracts.review": Permission.of("Return a contract in review to its author", *DIRECTORS, SPECIALIST),
    "contracts.approve": Permission.of("Approve a contract in review (the director's signature)", *DIRECTORS),
    "contracts.execute": Permission.of(
        "Record signing, activation, completion, expiry, termination", *DIRECTORS, SPECIALIST
    ),
    "payments.record": Permission.of("Record payments", *DIRECTORS, SPECIALIST),
    "audit.read": Permission.of("Read the audit trail", *DIRECTORS),
    "apikeys.manage": Permission.of("Create and revoke API keys for integrations", KA),
    "webhooks.manage": Permission.of("Register webhooks and read their delivery log", KA),
    "jobs.read": Permission.of("See the scheduled jobs and their runs", KA),
}
