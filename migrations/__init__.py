"""Migrations of every app label, installed as ``kamgraph.migrations.<app>``."""
