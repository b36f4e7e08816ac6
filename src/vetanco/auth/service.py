"""Issuing, checking and revoking API keys."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from vetanco.auth import repository
from vetanco.auth.models import ApiKey
from vetanco.auth.roles import Role
from vetanco.auth.schemas import Principal
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound, Unauthorized

KEY_PREFIX = "vk_"


def hash_key(raw: str) -> str:
    """Keys carry 256 bits of randomness, so a plain SHA-256 is enough and lookups stay indexed."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create_key(session: Session, *, name: str, role: Role) -> tuple[ApiKey, str]:
    """Returns the row and the only copy of the clear key."""
    if repository.by_name(session, name) is not None:
        raise Conflict(f"Ya existe una API key llamada '{name}'.")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role.value, prefix=raw[:11], key_hash=hash_key(raw))
    session.add(key)
    session.flush()
    return key, raw


def authenticate(session: Session, *, raw_key: str) -> Principal:
    key = repository.by_hash(session, hash_key(raw_key))
    if key is None or key.revoked_at is not None:
        raise Unauthorized()
    return Principal(key_id=key.id, name=key.name, role=key.role)


def get_key(session: Session, *, name: str) -> ApiKey:
    """One key by name, for the dashboard's revoke confirmation."""
    key = repository.by_name(session, name)
    if key is None:
        raise NotFound(f"No existe una API key llamada '{name}'.")
    return key


def revoke_key(session: Session, *, name: str) -> ApiKey:
    key = repository.by_name(session, name)
    if key is None:
        raise NotFound(f"No existe una API key llamada '{name}'.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key


def list_keys(session: Session) -> list[ApiKey]:
    return repository.all_keys(session)


def ensure_bootstrap_key(session: Session) -> str | None:
    """On an empty database, mint the first admin key so a newcomer can call the API at once."""
    if repository.count(session) > 0:
        return None
    _, raw = create_key(session, name="admin", role=Role.admin)
    return raw
