"""The core's contracts: models, rules, services, GraphQL types, queries and mutations."""
