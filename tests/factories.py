"""The suite's factories are kamgraph.testing's, the ones a third-party plugin's tests use."""

from kamgraph.testing.factories import *  # noqa: F403
from kamgraph.testing.factories import _seq  # noqa: F401
