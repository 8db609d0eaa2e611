"""The core's accounts: models, rules, services, GraphQL types, queries and mutations."""
