"""The pipeline plugin's permissions: each a name that the code refers to by its constant, and the roles that
hold it by default (DOMAIN.md section 1). A guard naming an unregistered permission stops start-up."""

from __future__ import annotations

from kamgraph.plugin import Permission, Role

KA, IND, REG = Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR
AM, CSM, SE, ANALYST = Role.ACCOUNT_MANAGER, Role.CUSTOMER_SUCCESS_MANAGER, Role.SOLUTION_EXPERT, Role.DATA_ANALYST

READ = "pipeline.read"
WRITE = "pipeline.write"
MANAGE = "pipeline.manage"
TRENDS_READ = "pipeline.trends.read"
TARGETS_READ = "pipeline.targets.read"
TARGETS_ALL = "pipeline.targets.all"
TARGETS_WRITE = "pipeline.targets.write"

PERMISSIONS = {
    READ: Permission.of(
        "See opportunities, their stage history, the funnel and the forecast", KA, IND, REG, AM, SE, CSM, ANALYST
    ),
    WRITE: Permission.of(
        "Open, change, move, win and lose opportunities (account managers: their own)", KA, IND, REG, AM
    ),
    MANAGE: Permission.of("Change any opportunity in one's scope, not only one's own", KA, IND, REG),
    TRENDS_READ: Permission.of("See the weekly funnel snapshots of the whole department", KA, IND, REG, ANALYST),
    TARGETS_READ: Permission.of(
        "See sales targets and their attainment (one's own, without pipeline.targets.all)", KA, IND, REG, AM, ANALYST
    ),
    TARGETS_ALL: Permission.of("See every sales target, not only one's own", KA, IND, REG, ANALYST),
    TARGETS_WRITE: Permission.of("Set sales targets", KA, IND, REG),
}
