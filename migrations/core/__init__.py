"""Migrations of the core app (accounts, contracts, people)."""
