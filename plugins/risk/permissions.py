"""The risk plugin's permissions: each a name that the code refers to by its constant, and the roles that
hold it by default (DOMAIN.md section 1). A guard naming an unregistered permission stops start-up."""

from __future__ import annotations

from kamgraph.plugin import Permission, Role

KA, IND, REG = Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR
AM, CSM, SE = Role.ACCOUNT_MANAGER, Role.CUSTOMER_SUCCESS_MANAGER, Role.SOLUTION_EXPERT
ANALYST, SPECIALIST = Role.DATA_ANALYST, Role.CONTRACT_SPECIALIST

READ = "risk.read"
CREDIT_READ = "risk.credit.read"
ASSESS = "risk.assess"
OVERRIDE = "risk.override"
RESOLVE_WARNINGS = "risk.warnings.resolve"
REGISTER = "risk.register"
COMPETITORS = "risk.competitors"

PERMISSIONS = {
    READ: Permission.of(
        "See risk records: assessments (without their values), notices, warnings, register, plans, offers",
        *(KA, IND, REG, AM, CSM, ANALYST, SPECIALIST, SE),
    ),
    CREDIT_READ: Permission.of(
        "See credit scores, ratings, limits and notes (sensitive, audited)", KA, IND, REG, AM, SPECIALIST
    ),
    ASSESS: Permission.of("Record and end credit assessments", KA, IND, REG, SPECIALIST),
    OVERRIDE: Permission.of("Let a contract be signed beyond the credit rule, with the reason", KA),
    RESOLVE_WARNINGS: Permission.of("Resolve early warnings with a note", KA, IND, REG, AM),
    REGISTER: Permission.of("Keep the risk register and the contingency plans, write post-mortems", KA, IND, REG, AM),
    COMPETITORS: Permission.of("Record competitor offers and the differentiation comparisons", KA, IND, REG, AM, SE),
}
