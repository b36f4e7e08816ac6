"""The key that signs dashboard cookies: from VETANCO_SECRET_KEY, or one kept beside the data."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from vetanco.config import Settings


def clave_de_sesion(settings: Settings) -> str:
    """Survives restarts so people stay logged in; derived, so the raw secret signs nothing else."""
    if settings.secret_key is not None:
        raw = settings.secret_key.get_secret_value().encode()
        return hashlib.sha256(b"vetanco-sesion:" + raw).hexdigest()
    path = Path(settings.storage_dir).parent / "session.key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
