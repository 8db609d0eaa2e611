"""The plugin's permissions, named once: a typo in a constant is an ImportError, not a silent FORBIDDEN."""

from kamgraph.plugin import DIRECTORS, Permission, Role

READ = "tickets.read"
MANAGE = "tickets.manage"

READERS = (*DIRECTORS, Role.ACCOUNT_MANAGER, Role.CUSTOMER_SUCCESS_MANAGER, Role.DATA_ANALYST)

PERMISSIONS = {
    READ: Permission.of("See the tickets of the accounts one may see", *READERS),
    MANAGE: Permission.of("Open and close tickets", Role.KA_DIRECTOR, Role.ACCOUNT_MANAGER),
}
