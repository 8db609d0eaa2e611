"""The ``risk`` plugin: credit assessment and limits, the signing rule, receivables ageing and dunning
(DOMAIN.md "risk", seed §1.2.4, §3.5). ``README.md`` beside this file documents it."""

from kamgraph.plugins.risk.hooks import *  # noqa: F401,F403

name = "risk"
version = "0.1"
requires = ("core",)
