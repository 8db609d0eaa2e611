"""The core's people: models, rules, services, GraphQL types, queries and mutations."""
