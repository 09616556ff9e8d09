"""Where stored forms live: a directory (EXPORTS_DIR, default instance/exports), written atomically.

A file is written to a temporary name in its final directory, flushed to disk and renamed over the final name,
so a reader (or a builder restarted after a crash) sees either the whole file or none.
"""
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from registry.config import INSTANCE_DIR
from registry.core.private_files import private_dir

TEMP_PREFIX = ".tmp-"
_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]")


def root() -> Path:
    return Path(current_app.config.get("EXPORTS_DIR") or INSTANCE_DIR / "exports")


def safe(part: str) -> str:
    """A path component made of safe characters only (codes come from imported files)."""
    cleaned = _UNSAFE.sub("_", part).lstrip(".")
    return cleaned or "_"


def entry(prefix: str, code: str, extension: str, used: set[str]) -> str:
    """An archive entry `<prefix><safe code>.<extension>`, unique in the archive (codes of legacy rows may hold `/`,
    `..` or newlines, and two of them may come out the same once made safe: a counter tells them apart)."""
    stem = f"{prefix}{safe(code)}"
    name, number = f"{stem}.{extension}", 1
    while name in used:
        number += 1
        name = f"{stem}-{number}.{extension}"
    used.add(name)
    return name


def write(relative: str, data: bytes) -> None:
    """Write `data` at `relative` under the root: temp file + fsync + rename."""
    write_with(relative, lambda out: out.write(data))


def write_with(relative: str, fill: Callable[[BinaryIO], object]) -> Path:
    """Let `fill` write the file through a temporary one, then fsync and rename it into place; its path."""
    target = root() / relative
    private_dir(target.parent)
    handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "w+b") as out:
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def read(relative: str) -> bytes | None:
    path = root() / relative
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def size_of(relative: str) -> int | None:
    try:
        return (root() / relative).stat().st_size
    except FileNotFoundError:
        return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sweep_temporaries(relative_dir: str) -> int:
    """Remove temporary files a killed builder left behind in one directory; how many."""
    directory = root() / relative_dir
    if not directory.is_dir():
        return 0
    removed = 0
    for leftover in directory.glob(TEMP_PREFIX + "*"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
