"""The JWT secret: from CUIOT_JWT_SECRET, or generated once and kept beside the database."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)


def secret_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / ".cuiot-jwt-secret"
    return Path.cwd() / ".cuiot-jwt-secret"


def jwt_secret(configured: str | None, database_url: str) -> str:
    if configured:
        return configured
    path = secret_path(database_url)
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    logger.warning("CUIOT_JWT_SECRET is not set: generated one and stored it in %s; "
                   "set CUIOT_JWT_SECRET in production", path)
    return value
