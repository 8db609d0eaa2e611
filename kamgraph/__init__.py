"""kamgraph: a headless GraphQL API for a key-account department.

The public surface a plugin author needs is re-exported here: :data:`hookimpl` to mark hook
implementations. Everything else lives in the sub-package that owns it (``kamgraph.api`` for GraphQL
building blocks, ``kamgraph.security`` for actors and scopes, ``kamgraph.events`` for events).
"""

import pluggy

__version__ = "0.1.0"

#: Marks a function as a kamgraph hook implementation: ``@hookimpl def register_queries(): ...``
hookimpl = pluggy.HookimplMarker("kamgraph")

__all__ = ["__version__", "hookimpl"]
