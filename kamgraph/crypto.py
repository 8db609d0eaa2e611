"""Encryption at rest for core customer information (DOMAIN.md section 1), with searchable blind indexes.

Values are sealed with AES-256-GCM; a sealed value records the id of the key that sealed it, so
``kamgraph rotate-key`` can re-seal everything under a new key while old rows stay readable. Exact-match
search uses a blind index: an HMAC-SHA256 of the normalised value under a key derived from the current
key, stored beside the ciphertext.

Keys come from ``KAMGRAPH_SECRET_KEY`` (base64 of 32 bytes) or from the key file
``KAMGRAPH_SECRET_KEY_FILE`` (one ``id:base64`` per line, the current key first). In development, with
neither set, a key file is created with the database on first use (``Settings.default_key_file``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tortoise import fields

log = logging.getLogger("kamgraph.security")

PREFIX = "enc1"


class KeyError_(RuntimeError):
    """No usable key, or a value sealed with a key this deployment does not have."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def new_key() -> bytes:
    return secrets.token_bytes(32)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def decode_key(text: str) -> bytes:
    key = base64.b64decode(text.strip())
    if len(key) != 32:
        raise KeyError_("a kamgraph secret key is 32 bytes, base64-encoded")
    return key


@dataclass(frozen=True)
class KeyRing:
    """The current key (which seals) and older keys (which still open)."""

    current: bytes
    older: tuple[bytes, ...] = ()

    @property
    def keys(self) -> dict[str, bytes]:
        return {key_id(k): k for k in (self.current, *self.older)}

    def seal(self, plaintext: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.current).encrypt(nonce, plaintext.encode(), key_id(self.current).encode())
        return f"{PREFIX}.{key_id(self.current)}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, token: str) -> str:
        try:
            prefix, kid, payload = token.split(".", 2)
        except ValueError as exc:
            raise KeyError_("not a sealed value") from exc
        key = self.keys.get(kid)
        if prefix != PREFIX or key is None:
            raise KeyError_(f"value sealed with key {kid}, which this deployment does not have")
        raw = base64.urlsafe_b64decode(payload)
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], kid.encode()).decode()
        except InvalidTag as exc:
            raise KeyError_("sealed value does not verify (tampered or wrong key)") from exc

    def is_current(self, token: str) -> bool:
        return token.startswith(f"{PREFIX}.{key_id(self.current)}.")

    def blind_index(self, value: str, purpose: str) -> str:
        """HMAC of the normalised value, distinct per purpose (phone, email, login)."""
        index_key = hmac.new(self.current, b"kamgraph blind index", hashlib.sha256).digest()
        normalised = value.strip().lower()
        return hmac.new(index_key, f"{purpose}:{normalised}".encode(), hashlib.sha256).hexdigest()


_keyring: KeyRing | None = None


def keyring() -> KeyRing:
    if _keyring is None:
        raise KeyError_("no secret key loaded; the app, the CLI and the tests load one when they open the database")
    return _keyring


def use_keyring(ring: KeyRing) -> None:
    global _keyring
    _keyring = ring


def load_keyring(secret_key: str | None, key_file: str | None, default_file: Path | None, production: bool) -> KeyRing:
    """Read the keys from the environment or the key file; create a development key file if allowed."""
    if secret_key:
        return KeyRing(decode_key(secret_key))
    path = Path(key_file) if key_file else default_file
    if path is None:
        raise KeyError_("set KAMGRAPH_SECRET_KEY or KAMGRAPH_SECRET_KEY_FILE")
    if not path.exists():
        if production or key_file:
            raise KeyError_(f"key file {path} does not exist; create one with `kamgraph new-key {path}`")
        write_key_file(path, [new_key()])
        log.warning(
            "created a development secret key in %s: keep it with the database, and out of version control", path
        )
    keys = [decode_key(line.split(":", 1)[-1]) for line in path.read_text().splitlines() if line.strip()]
    if not keys:
        raise KeyError_(f"key file {path} holds no key")
    return KeyRing(keys[0], tuple(keys[1:]))


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Write keys, current first, readable by the owner only; replaced atomically."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(f"{key_id(k)}:{encode_key(k)}\n" for k in keys))
    os.replace(tmp, path)


# --- tortoise fields ---------------------------------------------------------------------------------


class SealedTextField(fields.TextField):
    """A text column whose value is sealed with the current key on write and opened on read."""

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if value is None:
            return None
        return keyring().seal(str(value))

    def to_python_value(self, value: Any) -> Any:
        if value is None or not isinstance(value, str) or not value.startswith(PREFIX + "."):
            return value
        return keyring().open(value)


class BlindIndexField(fields.CharField):
    """The blind index of another field of the same row, computed whenever the row is written."""

    def __init__(self, source: str, purpose: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("db_index", True)
        super().__init__(**kwargs)
        self.source = source
        self.purpose = purpose

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if instance is None or isinstance(instance, type):
            return value  # a filter value, already an index
        source = getattr(instance, self.source, None)
        return None if source in (None, "") else keyring().blind_index(str(source), self.purpose)
