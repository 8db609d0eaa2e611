"""People: contacts at customers and internal staff, one table (DOMAIN.md section 2, "Person")."""

from __future__ import annotations

from enum import Enum

from tortoise import fields

from kamgraph.crypto import BlindIndexField, SealedTextField
from kamgraph.db.models import NodeModel, VersionedModel
from kamgraph.security.actors import Role


class PersonKind(str, Enum):
    CONTACT = "CONTACT"
    STAFF = "STAFF"


class RelationshipLevel(str, Enum):
    """ "Executive + middle + front-line" (§1.2.1.2)."""

    EXECUTIVE = "EXECUTIVE"
    MANAGEMENT = "MANAGEMENT"
    OPERATIONAL = "OPERATIONAL"


class PersonStatus(str, Enum):
    ACTIVE = "ACTIVE"
    LEFT = "LEFT"  # a key contact leaving is a churn signal (§3.4.1)


class Person(VersionedModel):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(PersonKind, max_length=10)
    name = fields.CharField(max_length=200)
    title = fields.CharField(max_length=200, null=True)
    account = fields.ForeignKeyField("core.Account", related_name="contacts", null=True, on_delete=fields.RESTRICT)
    relationship_level = fields.CharEnumField(RelationshipLevel, max_length=12, null=True)
    phone = SealedTextField(null=True)  # encrypted at rest
    email = SealedTextField(null=True)  # encrypted at rest
    phone_index = BlindIndexField("phone", "phone")  # exact-match search on the sealed phone
    email_index = BlindIndexField("email", "email")
    is_key_decision_maker = fields.BooleanField(default=False)
    status = fields.CharEnumField(PersonStatus, max_length=10, default=PersonStatus.ACTIVE)
    #: industry directors: the GB/T 4754 section of their line. Regional directors: their region.
    industry_section = fields.CharField(max_length=1, null=True)
    region = fields.CharField(max_length=12, null=True)

    scope_via = ("account",)
    scope_public = ("kind", PersonKind.STAFF.value)  # colleagues are visible to every internal user
    read_permission = "people.read"
    sensitive_fields = {"phone": "contacts.personal.read", "email": "contacts.personal.read"}
    guard_columns = ("kind",)

    def is_sensitive(self, name: str) -> bool:
        """Phone and e-mail are core customer information for contacts; colleagues' are not."""
        return self.kind is PersonKind.CONTACT

    class Meta:
        app = "core"
        table = "person"
        unique_together = (("source", "external_id"),)


class StaffRole(NodeModel):
    """A role held by a staff member (a person may hold several)."""

    id = fields.IntField(primary_key=True)
    person = fields.ForeignKeyField("core.Person", related_name="roles", on_delete=fields.CASCADE)
    role = fields.CharEnumField(Role, max_length=30)

    department_wide = True  # staff and their roles are known to all staff, whatever their accounts
    read_permission = "people.read"

    class Meta:
        app = "core"
        table = "staff_role"
