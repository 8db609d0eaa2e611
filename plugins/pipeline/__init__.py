"""The ``pipeline`` plugin: opportunities through configurable stages, stage history, wins that link their
contract, timers, the weighted forecast and the funnel (DOMAIN.md "sales pipeline", seed §3.1, §3.6.2).
``README.md`` beside this file documents it."""

from kamgraph.plugins.pipeline.hooks import *  # noqa: F401,F403

name = "pipeline"
version = "0.1"
requires = ("core",)
