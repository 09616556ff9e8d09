"""Where stored forms live: a directory (EXPORTS_DIR, default instance/exports), written atomically.

A file is written to a temporary name in its final directory, flushed to disk and renamed over the final name,
so a reader (or a builder restarted after a crash) sees either the whole file or none.
"""
import hashlib
import os
import re
import tempfile
import unicodedata
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


#: Characters no file name may hold on Windows, macOS or Linux (path separators, reserved, control characters).
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
#: Longest entry stem in characters: unpacked on Windows, the folder path plus the name stays under 260.
NAME_LENGTH = 80
#: Names Windows keeps for devices: a file may not be called so.
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def readable(name: str, fallback: str = "_") -> str:
    """A unit's name as a file name people read: Cyrillic and «№» kept, spaces as `_`, no separators, reserved or
    control characters, no leading or trailing dots; cut to NAME_LENGTH. `fallback` when nothing is left."""
    cleaned = _NOT_IN_NAMES.sub("_", unicodedata.normalize("NFC", name or ""))
    cleaned = re.sub(r"\s+", "_", cleaned.strip())[:NAME_LENGTH].strip("._ ")
    return cleaned or fallback


def entry(prefix: str, name: str, extension: str, used: set[str], *, code: str = "") -> str:
    """An archive entry `<prefix><readable unit name>.<extension>`, unique in the archive even on a file system that
    ignores case (`used` holds the taken names case-folded): two units may share a name, and legacy names may hold
    `/`, `..` or newlines, so a counter tells them apart. Without a name, the safe `code`."""
    stem = f"{prefix}{readable(name, safe(code) if code else '_')}"
    if stem.upper() in _DEVICES:
        stem += "_"
    name, number = f"{stem}.{extension}", 1
    while name.casefold() in used:
        number += 1
        name = f"{stem}-{number}.{extension}"
    used.add(name.casefold())
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
