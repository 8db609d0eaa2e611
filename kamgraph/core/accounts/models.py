"""Accounts (customer companies), their teams and their tier reviews (DOMAIN.md section 2)."""

from __future__ import annotations

from enum import Enum

from tortoise import fields

from kamgraph.db.models import NodeModel, VersionedModel


class Tier(str, Enum):
    STRATEGIC = "STRATEGIC"
    CORE = "CORE"
    POTENTIAL = "POTENTIAL"


class AccountStatus(str, Enum):
    PROSPECT = "PROSPECT"
    ACTIVE = "ACTIVE"
    AT_RISK = "AT_RISK"
    EXITING = "EXITING"
    EXITED = "EXITED"


class Region(str, Enum):
    NORTH = "NORTH"
    NORTHEAST = "NORTHEAST"
    EAST = "EAST"
    CENTRAL = "CENTRAL"
    SOUTH = "SOUTH"
    SOUTHWEST = "SOUTHWEST"
    NORTHWEST = "NORTHWEST"


class AccountSize(str, Enum):
    """Head-count bands: under 100, 100-999, 1,000-9,999, 10,000 and more."""

    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"
    ENTERPRISE = "ENTERPRISE"


class TeamRole(str, Enum):
    ACCOUNT_MANAGER = "ACCOUNT_MANAGER"
    SOLUTION_EXPERT = "SOLUTION_EXPERT"
    CUSTOMER_SUCCESS_MANAGER = "CUSTOMER_SUCCESS_MANAGER"
    CONTRACT_SPECIALIST = "CONTRACT_SPECIALIST"
    DATA_ANALYST = "DATA_ANALYST"
    SERVICE_AGENT = "SERVICE_AGENT"
    EXECUTIVE_SPONSOR = "EXECUTIVE_SPONSOR"


class TierReviewStatus(str, Enum):
    PENDING = "PENDING"
    APPLIED = "APPLIED"
    DISMISSED = "DISMISSED"


class Account(VersionedModel):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    credit_code = fields.CharField(max_length=18, unique=True)
    industry_code = fields.CharField(max_length=3)  # GB/T 4754-2017 section letter + division, e.g. "C39"
    industry_section = fields.CharField(max_length=1)  # kept for scopes and grouping
    region = fields.CharEnumField(Region, max_length=12)
    size = fields.CharEnumField(AccountSize, max_length=12, default=AccountSize.MEDIUM)
    parent = fields.ForeignKeyField("core.Account", related_name="subsidiaries", null=True, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(AccountStatus, max_length=10, default=AccountStatus.PROSPECT)
    tier = fields.CharEnumField(Tier, max_length=10, default=Tier.POTENTIAL)
    owner = fields.ForeignKeyField("core.Person", related_name="owned_accounts", null=True, on_delete=fields.RESTRICT)

    scope_via = ()
    read_permission = "accounts.read"

    class Meta:
        app = "core"
        table = "account"
        unique_together = (("source", "external_id"),)
        indexes = (("region",), ("industry_section",), ("tier",))


class AccountTeamMember(NodeModel):
    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="team", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("core.Person", related_name="memberships", on_delete=fields.RESTRICT)
    role = fields.CharEnumField(TeamRole, max_length=30)
    created_at = fields.DatetimeField(auto_now_add=True)

    scope_via = ("account",)
    read_permission = "accounts.read"

    class Meta:
        app = "core"
        table = "account_team_member"


class TierReview(NodeModel):
    """A proposed tier change from re-evaluation, and what a director decided (with the reason)."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="tier_reviews", on_delete=fields.CASCADE)
    current_tier = fields.CharEnumField(Tier, max_length=10)
    proposed_tier = fields.CharEnumField(Tier, max_length=10)
    trailing_value = fields.DecimalField(max_digits=16, decimal_places=2)
    status = fields.CharEnumField(TierReviewStatus, max_length=10, default=TierReviewStatus.PENDING)
    proposed_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by = fields.CharField(max_length=200, null=True)
    reason = fields.TextField(null=True)

    scope_via = ("account",)
    read_permission = "accounts.read"
    sensitive_fields = {"trailing_value": "contracts.amounts.read"}  # the signed total of its contracts

    class Meta:
        app = "core"
        table = "tier_review"
