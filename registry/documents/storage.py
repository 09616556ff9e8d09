"""Where uploaded documents live: DOCUMENTS_DIR (default: `documents` beside EXPORTS_DIR), never the database.

Folders are created 0700 and files 0600 (only the application's user reads them), written through a temporary
file, fsynced and renamed into place, so a reader sees the whole file or none.
"""
import os
import secrets
import tempfile
from pathlib import Path

from flask import current_app

from registry.config import INSTANCE_DIR


def root() -> Path:
    configured = current_app.config.get("DOCUMENTS_DIR")
    if configured:
        return Path(configured)
    exports = current_app.config.get("EXPORTS_DIR") or INSTANCE_DIR / "exports"
    return Path(exports).parent / "documents"


def _folder(relative: Path) -> Path:
    path = root()
    for part in (None, *relative.parts):
        if part is not None:
            path = path / part
        path.mkdir(mode=0o700, exist_ok=True, parents=part is None)
        path.chmod(0o700)
    return path


def save(organization_id: int, kind: str, version: int, extension: str, data: bytes) -> str:
    """Store the bytes; the path relative to the root (a random part: names are never guessable or reused)."""
    folder = Path(f"org-{organization_id}") / kind
    name = f"v{version}-{secrets.token_hex(8)}{extension}"
    directory = _folder(folder)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=directory)  # mkstemp creates it 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, directory / name)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return str(folder / name)


def path_of(relative: str) -> Path:
    return root() / relative


def remove(relative: str) -> None:
    """Undo a store whose transaction failed."""
    path_of(relative).unlink(missing_ok=True)
