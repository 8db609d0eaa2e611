"""One request as an actor, with the audit records it left: what the fast-path equivalence tests compare."""

from __future__ import annotations

from typing import Any

import httpx

from kamgraph.security.actors import SYSTEM_ACTOR
from kamgraph.security.models import AuditRecord


async def run(app: Any, switch: Any, query: str, variables: dict, actor: Any) -> tuple[dict, list[tuple]]:
    switch.actor = actor
    before = await AuditRecord.all().count()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kamgraph.test") as client:
        body = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
    switch.actor = SYSTEM_ACTOR
    audit = await AuditRecord.all().order_by("id").offset(before)
    return body, sorted(
        (a.action, a.subject_type, a.account_id, a.fields_read, " ".join(sorted(a.subject_ids.split()))) for a in audit
    )
