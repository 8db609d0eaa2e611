from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from kamgraph.core.accounts.models import AccountSize, AccountStatus, Region, TeamRole, Tier, TierReviewStatus
from kamgraph.core.contracts.models import ContractStatus, Edition
from kamgraph.core.people.models import PersonKind, PersonStatus, RelationshipLevel
from kamgraph.security.actors import Role


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Person",
            fields=[
                ("version", fields.IntField(default=1)),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("source", fields.CharField(null=True, max_length=50)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("archived_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="CONTACT: CONTACT\nSTAFF: STAFF", enum_type=PersonKind, max_length=10
                    ),
                ),
                ("name", fields.CharField(max_length=200)),
                ("title", fields.CharField(null=True, max_length=200)),
                (
                    "relationship_level",
                    fields.CharEnumField(
                        null=True,
                        description="EXECUTIVE: EXECUTIVE\nMANAGEMENT: MANAGEMENT\nOPERATIONAL: OPERATIONAL",
                        enum_type=RelationshipLevel,
                        max_length=12,
                    ),
                ),
                ("phone", fields.CharField(null=True, max_length=32)),
                ("email", fields.CharField(null=True, max_length=254)),
                ("is_key_decision_maker", fields.BooleanField(default=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=PersonStatus.ACTIVE,
                        description="ACTIVE: ACTIVE\nLEFT: LEFT",
                        enum_type=PersonStatus,
                        max_length=10,
                    ),
                ),
                (
                    "industry_section",
                    fields.CharField(
                        null=True,
                        description="industry directors: the GB/T 4754 section of their line. Regional directors: their region.",
                        max_length=1,
                    ),
                ),
                ("region", fields.CharField(null=True, max_length=12)),
            ],
            options={
                "table": "person",
                "app": "core",
                "unique_together": (("source", "external_id"),),
                "pk_attr": "id",
            },
            bases=["VersionedModel"],
        ),
        ops.CreateModel(
            name="StaffRole",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="roles",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="KA_DIRECTOR: KA_DIRECTOR\nINDUSTRY_DIRECTOR: INDUSTRY_DIRECTOR\nREGIONAL_DIRECTOR: REGIONAL_DIRECTOR\nACCOUNT_MANAGER: ACCOUNT_MANAGER\nSOLUTION_EXPERT: SOLUTION_EXPERT\nCUSTOMER_SUCCESS_MANAGER: CUSTOMER_SUCCESS_MANAGER\nDATA_ANALYST: DATA_ANALYST\nCONTRACT_SPECIALIST: CONTRACT_SPECIALIST\nSERVICE_AGENT: SERVICE_AGENT\nINTEGRATION: INTEGRATION",
                        enum_type=Role,
                        max_length=30,
                    ),
                ),
            ],
            options={
                "table": "staff_role",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A role held by a staff member (a person may hold several).",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="Account",
            fields=[
                ("version", fields.IntField(default=1)),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("source", fields.CharField(null=True, max_length=50)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("archived_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=200)),
                ("credit_code", fields.CharField(unique=True, max_length=18)),
                ("industry_code", fields.CharField(max_length=3)),
                ("industry_section", fields.CharField(max_length=1)),
                (
                    "region",
                    fields.CharEnumField(
                        description="NORTH: NORTH\nNORTHEAST: NORTHEAST\nEAST: EAST\nCENTRAL: CENTRAL\nSOUTH: SOUTH\nSOUTHWEST: SOUTHWEST\nNORTHWEST: NORTHWEST",
                        enum_type=Region,
                        max_length=12,
                    ),
                ),
                (
                    "size",
                    fields.CharEnumField(
                        default=AccountSize.MEDIUM,
                        description="SMALL: SMALL\nMEDIUM: MEDIUM\nLARGE: LARGE\nENTERPRISE: ENTERPRISE",
                        enum_type=AccountSize,
                        max_length=12,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=AccountStatus.PROSPECT,
                        description="PROSPECT: PROSPECT\nACTIVE: ACTIVE\nAT_RISK: AT_RISK\nEXITING: EXITING\nEXITED: EXITED",
                        enum_type=AccountStatus,
                        max_length=10,
                    ),
                ),
                (
                    "tier",
                    fields.CharEnumField(
                        default=Tier.POTENTIAL,
                        description="STRATEGIC: STRATEGIC\nCORE: CORE\nPOTENTIAL: POTENTIAL",
                        enum_type=Tier,
                        max_length=10,
                    ),
                ),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="subsidiaries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="owned_accounts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "account",
                "app": "core",
                "unique_together": (("source", "external_id"),),
                "indexes": [Index(fields=["region"]), Index(fields=["industry_section"]), Index(fields=["tier"])],
                "pk_attr": "id",
            },
            bases=["VersionedModel"],
        ),
        # Person and Account refer to each other: a contact's account is added once Account exists.
        # (Operations are ordered by dependency by hand: tortoise's autodetector writes them in
        # alphabetical order and silently drops foreign keys to tables that do not exist yet.)
        ops.AddField(
            model_name="Person",
            name="account",
            field=fields.ForeignKeyField(
                "core.Account",
                source_field="account_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="contacts",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.CreateModel(
            name="AccountTeamMember",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="team",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="ACCOUNT_MANAGER: ACCOUNT_MANAGER\nSOLUTION_EXPERT: SOLUTION_EXPERT\nCUSTOMER_SUCCESS_MANAGER: CUSTOMER_SUCCESS_MANAGER\nCONTRACT_SPECIALIST: CONTRACT_SPECIALIST\nDATA_ANALYST: DATA_ANALYST\nSERVICE_AGENT: SERVICE_AGENT\nEXECUTIVE_SPONSOR: EXECUTIVE_SPONSOR",
                        enum_type=TeamRole,
                        max_length=30,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "account_team_member", "app": "core", "pk_attr": "id"},
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="TierReview",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tier_reviews",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "current_tier",
                    fields.CharEnumField(
                        description="STRATEGIC: STRATEGIC\nCORE: CORE\nPOTENTIAL: POTENTIAL",
                        enum_type=Tier,
                        max_length=10,
                    ),
                ),
                (
                    "proposed_tier",
                    fields.CharEnumField(
                        description="STRATEGIC: STRATEGIC\nCORE: CORE\nPOTENTIAL: POTENTIAL",
                        enum_type=Tier,
                        max_length=10,
                    ),
                ),
                ("trailing_value", fields.DecimalField(max_digits=16, decimal_places=2)),
                (
                    "status",
                    fields.CharEnumField(
                        default=TierReviewStatus.PENDING,
                        description="PENDING: PENDING\nAPPLIED: APPLIED\nDISMISSED: DISMISSED",
                        enum_type=TierReviewStatus,
                        max_length=10,
                    ),
                ),
                ("proposed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decided_by", fields.CharField(null=True, max_length=200)),
                ("reason", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "tier_review",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A proposed tier change from re-evaluation, and what a director decided (with the reason).",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="Contract",
            fields=[
                ("version", fields.IntField(default=1)),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("source", fields.CharField(null=True, max_length=50)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("archived_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("number", fields.CharField(unique=True, max_length=40)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                (
                    "edition",
                    fields.CharEnumField(
                        default=Edition.BASIC,
                        description="BASIC: BASIC\nENHANCED: ENHANCED\nPREMIUM: PREMIUM",
                        enum_type=Edition,
                        max_length=10,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("currency", fields.CharField(default="CNY", max_length=3)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ContractStatus.DRAFT,
                        description="DRAFT: DRAFT\nIN_REVIEW: IN_REVIEW\nAPPROVED: APPROVED\nSIGNED: SIGNED\nACTIVE: ACTIVE\nCOMPLETED: COMPLETED\nTERMINATED: TERMINATED\nEXPIRED: EXPIRED",
                        enum_type=ContractStatus,
                        max_length=10,
                    ),
                ),
                ("signed_on", fields.DateField(null=True)),
                ("start_on", fields.DateField()),
                ("end_on", fields.DateField()),
                ("payment_terms_days", fields.IntField(default=30)),
                (
                    "renews",
                    fields.ForeignKeyField(
                        "core.Contract",
                        source_field="renews_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="renewals",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("status_reason", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "contract",
                "app": "core",
                "unique_together": (("source", "external_id"),),
                "indexes": [Index(fields=["signed_on"])],
                "pk_attr": "id",
            },
            bases=["VersionedModel"],
        ),
        ops.CreateModel(
            name="Instalment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "core.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="instalments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("sequence", fields.IntField()),
                ("due_on", fields.DateField()),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("paid_amount", fields.DecimalField(default=0, max_digits=16, decimal_places=2)),
                ("paid_on", fields.DateField(null=True)),
            ],
            options={"table": "instalment", "app": "core", "indexes": [Index(fields=["due_on"])], "pk_attr": "id"},
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="Payment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "core.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("paid_on", fields.DateField()),
                ("reference", fields.CharField(null=True, max_length=100)),
                ("recorded_by", fields.CharField(null=True, max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "payment", "app": "core", "pk_attr": "id"},
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="PaymentAllocation",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "payment",
                    fields.ForeignKeyField(
                        "core.Payment",
                        source_field="payment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="allocations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "instalment",
                    fields.ForeignKeyField(
                        "core.Instalment",
                        source_field="instalment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="allocations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
            ],
            options={
                "table": "payment_allocation",
                "app": "core",
                "pk_attr": "id",
                "table_description": "How much of a payment settled which instalment (one payment can settle several).",
            },
            bases=["NodeModel"],
        ),
        ops.RunSQL(
            [
                'CREATE INDEX "idx_account_owner" ON "account" ("owner_id")',
                'CREATE INDEX "idx_account_parent" ON "account" ("parent_id")',
                'CREATE UNIQUE INDEX "uniq_team_member" ON "account_team_member" ("account_id", "person_id")',
                'CREATE INDEX "idx_team_member_person" ON "account_team_member" ("person_id")',
                'CREATE INDEX "idx_contract_account_status" ON "contract" ("account_id", "status")',
                'CREATE UNIQUE INDEX "uniq_instalment_sequence" ON "instalment" ("contract_id", "sequence")',
                'CREATE INDEX "idx_payment_contract" ON "payment" ("contract_id", "paid_on")',
                'CREATE INDEX "idx_allocation_payment" ON "payment_allocation" ("payment_id")',
                'CREATE INDEX "idx_allocation_instalment" ON "payment_allocation" ("instalment_id")',
                'CREATE INDEX "idx_person_account_kind" ON "person" ("account_id", "kind")',
                'CREATE UNIQUE INDEX "uniq_staff_role" ON "staff_role" ("person_id", "role")',
                'CREATE INDEX "idx_tier_review_account" ON "tier_review" ("account_id", "status")',
            ],
            reverse_sql=[
                'DROP INDEX "idx_account_owner"',
                'DROP INDEX "idx_account_parent"',
                'DROP INDEX "uniq_team_member"',
                'DROP INDEX "idx_team_member_person"',
                'DROP INDEX "idx_contract_account_status"',
                'DROP INDEX "uniq_instalment_sequence"',
                'DROP INDEX "idx_payment_contract"',
                'DROP INDEX "idx_allocation_payment"',
                'DROP INDEX "idx_allocation_instalment"',
                'DROP INDEX "idx_person_account_kind"',
                'DROP INDEX "uniq_staff_role"',
                'DROP INDEX "idx_tier_review_account"',
            ],
        ),
    ]
