"""Whole-database backups: SQLite's online backup API; PostgreSQL's own pg_dump/pg_restore in custom format."""
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from registry.core.private_files import touch_private


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Russian."""


def create(engine: sa.Engine, path: Path, pg_bin_dir: str | None = None) -> None:
    """Write a consistent copy of the whole database to `path`; a partial copy never takes its name."""
    partial = path.with_name(path.name + ".partial")
    touch_private(partial)  # a copy of every person's data: 0600 from the start, kept by the rename
    try:
        if engine.dialect.name == "sqlite":
            with closing(sqlite3.connect(_sqlite_file(engine))) as source, closing(sqlite3.connect(partial)) as target:
                source.backup(target)  # a consistent snapshot even while the app writes
        else:
            _run(engine, pg_bin_dir, "pg_dump", "--format=custom", f"--file={partial}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def restore(engine: sa.Engine, path: Path, pg_bin_dir: str | None = None) -> None:
    """Replace the whole database with the copy in `path`, all or nothing."""
    if engine.dialect.name == "sqlite":
        try:
            with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as source:
                source.execute("SELECT version_num FROM alembic_version").fetchall()
                with closing(sqlite3.connect(_sqlite_file(engine))) as target:
                    source.backup(target)  # one step under the target's write lock: readers see old or new
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} — не резервная копия базы реестра SQLite ({error}).") from error
        return
    listing = _run(engine, pg_bin_dir, "pg_restore", "--list", str(path), connect=False,
                   failure=f"{path} — не резервная копия pg_dump в формате custom")
    # TOC lines read "id; oid oid TABLE schema name owner"
    in_copy = {parts[5] for parts in map(str.split, listing.splitlines()) if parts[3:4] == ["TABLE"] and len(parts) > 5}
    extra = set(sa.inspect(engine).get_table_names()) - in_copy
    if extra:
        raise BackupError(f"В базе есть таблицы, которых нет в копии ({', '.join(sorted(extra))}): восстановите "
                          "копию в пустую базу или в базу той же версии приложения.")
    _run(engine, pg_bin_dir, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--exit-on-error", str(path))


def pg_tool(name: str, major: int, bin_dir: str | None = None) -> str:
    """The path of PostgreSQL program `name` of the server's major version (bin_dir, else Debian's dir, else PATH)."""
    # pg_dump refuses servers newer than itself, and a dump is best read back by the version that wrote it
    candidates = [Path(bin_dir) / name] if bin_dir else [Path(f"/usr/lib/postgresql/{major}/bin") / name]
    if not bin_dir and shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    found = []
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True,  # noqa: S603
                                     check=False).stdout.split()
            tool_major = int(version[-1].split(".")[0]) if version and version[-1][:1].isdigit() else None
            if tool_major == major:
                return str(candidate)
            found.append(f"{candidate} — версия {tool_major}")
    where = f"в каталоге {bin_dir} (PG_BIN_DIR)" if bin_dir else f"в /usr/lib/postgresql/{major}/bin и в PATH"
    raise BackupError(f"Не найдена программа {name} версии {major}, как у сервера PostgreSQL, {where}"
                      + (f" (есть: {'; '.join(found)})" if found else "")
                      + f". Установите клиент PostgreSQL {major} (Debian: postgresql-client-{major}) или укажите "
                      "каталог его программ в переменной PG_BIN_DIR.")


def _run(engine: sa.Engine, pg_bin_dir: str | None, name: str, *args: str, connect: bool = True,
         failure: str | None = None) -> str:
    with engine.connect() as conn:
        major = int(conn.exec_driver_sql("SHOW server_version_num").scalar()) // 10000
    url = engine.url
    command = [pg_tool(name, major, pg_bin_dir), *args]
    if connect:
        command.append("--dbname=" + url.set(drivername="postgresql", password=None).render_as_string(False))
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}  # not on the command line
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{failure or name + ' завершился с ошибкой'}:\n{result.stderr.strip()}")
    return result.stdout


def _sqlite_file(engine: sa.Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("База SQLite в памяти: сохранять и восстанавливать нечего.")
    return database

