"""Opaque global ids: base64 of ``Type:key`` (API.md "Ids")."""

from __future__ import annotations

import base64
import binascii


class InvalidId(ValueError):
    pass


def to_global_id(type_name: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def from_global_id(global_id: str) -> tuple[str, str]:
    """Split a global id into ``(type name, key)``; raises ``InvalidId`` for anything malformed."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidId(f"{global_id!r} is not a kamgraph id") from exc
    type_name, sep, key = text.partition(":")
    if not sep or not type_name or not key:
        raise InvalidId(f"{global_id!r} is not a kamgraph id")
    return type_name, key


#: keys are 64-bit signed integers in every table; a larger number is no row's (and no database's)
MAX_KEY = 2**63 - 1


def int_key(global_id: str, expected_type: str) -> int:
    """The integer key of a global id of ``expected_type``; ``InvalidId`` for another type or key."""
    type_name, key = from_global_id(global_id)
    if type_name != expected_type or not key.isascii() or not key.isdigit() or len(key) > 19 or int(key) > MAX_KEY:
        raise InvalidId(f"{global_id!r} is not the id of a {expected_type}")
    return int(key)
