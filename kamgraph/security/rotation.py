"""Key rotation: re-seal every encrypted value under the current key and recompute the blind indexes.

``kamgraph rotate-key`` first writes the new key file (new key first, old keys kept, so every row stays
readable whatever happens next), then re-seals. The re-seal is idempotent: if it is interrupted, run
``kamgraph reseal`` and it finishes the job. Stop the servers while rotating; they load keys at start.
"""

from __future__ import annotations

from collections.abc import Callable

from tortoise import Tortoise
from tortoise.models import Model

from kamgraph.crypto import BlindIndexField, KeyRing, SealedTextField
from kamgraph.db import write_transaction
from kamgraph.security.models import Login

BATCH = 500


def protected_models() -> list[type[Model]]:
    return [
        model
        for model in Tortoise.apps.get_models_iterable()
        if any(isinstance(f, SealedTextField | BlindIndexField) for f in model._meta.fields_map.values())
    ]


async def reseal(ring: KeyRing, progress: Callable[[str, int], object] | None = None) -> int:
    """Re-seal values not sealed with the current key and rewrite every blind index; returns rows written."""
    written = 0
    for model in protected_models():
        sealed = [n for n, f in model._meta.fields_map.items() if isinstance(f, SealedTextField)]
        indexes = [n for n, f in model._meta.fields_map.items() if isinstance(f, BlindIndexField)]
        last = 0
        while True:
            rows = await model.filter(pk__gt=last).order_by(model._meta.pk_attr).limit(BATCH)
            if not rows:
                break
            async with write_transaction():
                for row in rows:  # values were opened with whichever key sealed them; saving re-seals
                    await row.save(update_fields=sealed + indexes)
            written += len(rows)
            last = rows[-1].pk
            if progress:
                progress(model.__name__, written)
    written += await _reindex_logins()
    return written


async def _reindex_logins() -> int:
    """Logins are found by the blind index of their person's e-mail, which changes with the key."""
    from kamgraph.security.auth import login_index

    logins = await Login.all().prefetch_related("person")
    async with write_transaction():
        for login in logins:
            login.email_index = login_index(login.person.email)
            await login.save(update_fields=["email_index"])
    return len(logins)
