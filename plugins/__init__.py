"""Bundled plugins, installed as ``kamgraph.plugins.<name>``; each is enabled through its entry point."""
