"""Files holding personal data or unpublished statistics are readable by the app's user only.

The SQLite database, stored forms (EXPORTS_DIR), uploads waiting for a preview and backups are created as 0600
files in 0700 folders, whatever the process umask: another account on the same server reads none of them.
Folders that already exist keep their mode (a shared parent such as /tmp is not ours to change).
"""
import contextlib
import os
from pathlib import Path

from sqlalchemy.engine import make_url

FILE_MODE, DIR_MODE = 0o600, 0o700


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 folders; return it."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another worker made it meanwhile
            continue
        folder.chmod(DIR_MODE)  # mkdir's mode passes through the umask, which may be stricter or odd
    return missing[0] if missing else path


def open_private(path: Path, mode: str = "wb"):
    """Open `path` for writing, creating it as a 0600 file (an existing file is truncated and keeps its mode)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    return os.fdopen(handle, mode, **({} if "b" in mode else {"encoding": "utf-8"}))


def touch_private(path: Path) -> None:
    """Create an empty 0600 file at `path` unless one exists."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def prepare_sqlite(uri: str) -> None:
    """Create the SQLite database file (0600, in a 0700 folder if that is missing) before SQLite does it with the
    umask's mode; its journal and WAL files take the database's mode. Other engines: nothing to do."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return
    path = Path(url.database)
    private_dir(path.parent)
    touch_private(path)
