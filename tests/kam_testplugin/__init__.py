"""A third-party plugin used by the tests: it exercises the whole plugin contract end to end.

It is installed for the test session through a real entry point (see ``tests/conftest.py``), adds a
model with its own migration, a root query, a mutation, a field on ``Account``, an event type, a
node type and a permission, and reacts to a core event.
"""

from kam_testplugin.hooks import *  # noqa: F401,F403

name = "kam_testplugin"
version = "1.0"
requires = ("core",)
