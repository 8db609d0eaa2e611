"""The core's access: login and logout, the current user, API keys, the permission matrix, the audit trail."""
