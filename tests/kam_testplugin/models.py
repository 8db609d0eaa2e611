from tortoise import fields

from kamgraph.plugin import NodeModel


class AccountNote(NodeModel):
    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="notes", on_delete=fields.CASCADE)
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    scope_via = ("account",)
    read_permission = "accounts.read"

    class Meta:
        app = "testplugin"
        table = "testplugin_account_note"
