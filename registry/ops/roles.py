"""The PostgreSQL role the application runs as: read and write its tables, append to the audit trail, own nothing.

The owner (who runs the migrations) creates it and grants it exactly this; re-running after a migration grants the
new tables. Not being the owner, the role can neither get past the append-only triggers of audit_entries
(ALTER TABLE … DISABLE TRIGGER needs ownership) nor change the schema.
"""
import sqlalchemy as sa

READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
#: Tables with fewer rights than READ_WRITE: audit rows are only ever added.
RESTRICTED = {"audit_entries": "SELECT, INSERT"}
#: Tables the running application never touches (the schema version belongs to the migrations).
NOT_GRANTED = {"alembic_version"}


class RoleError(Exception):
    """The role cannot be set up as asked; the message says why."""


def grant_app_role(engine: sa.Engine, role: str, password: str | None = None) -> list[str]:
    """Create `role` if missing (LOGIN only with a password) and grant it the app's rights; returns the tables."""
    if engine.dialect.name != "postgresql":
        raise RoleError("Роли базы данных есть только в PostgreSQL; в SQLite права не разграничиваются "
                        "(database roles exist only on PostgreSQL).")
    with engine.begin() as conn:  # one transaction: the running app never sees the rights half revoked
        quoted = conn.dialect.identifier_preparer.quote(role)
        _ensure_role(conn, role, quoted, password)
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
        tables = conn.execute(sa.text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') ORDER BY c.relname"), {"schema": schema}).all()
        owned = [name for name, owner in tables if owner == role]
        if owned:
            raise RoleError(f"Роль {role} владеет таблицами ({', '.join(owned)}): приложению нужна роль, которая "
                            f"не владеет ими (the application role must not own the tables).")
        in_schema = conn.dialect.identifier_preparer.quote(schema)
        conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {in_schema} TO {quoted}"))
        # revoke first, so a re-run also takes back anything granted beyond this list
        conn.execute(sa.text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {in_schema} FROM {quoted}"))
        conn.execute(sa.text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {in_schema} FROM {quoted}"))
        granted = [name for name, _ in tables if name not in NOT_GRANTED]
        for name in granted:
            table = f"{in_schema}.{conn.dialect.identifier_preparer.quote(name)}"
            conn.execute(sa.text(f"GRANT {RESTRICTED.get(name, READ_WRITE)} ON TABLE {table} TO {quoted}"))
        conn.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {in_schema} TO {quoted}"))
    return granted


def _ensure_role(conn: sa.Connection, role: str, quoted: str, password: str | None) -> None:
    if role == conn.execute(sa.text("SELECT current_user")).scalar_one():
        raise RoleError(f"Роль {role} — это текущий владелец; укажите другую роль для приложения "
                        f"(the application role must differ from the owner running this command).")
    found = conn.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    if found and found.rolsuper:
        raise RoleError(f"Роль {role} — суперпользователь: для неё права и триггеры не преграда "
                        f"(a superuser bypasses privileges).")
    login = "LOGIN PASSWORD :password" if password else "NOLOGIN"
    if found is None:
        conn.execute(sa.text(f"CREATE ROLE {quoted} {login}"), {"password": password} if password else {})
    elif password:  # an existing role keeps its login state unless a new password is given
        conn.execute(sa.text(f"ALTER ROLE {quoted} {login}"), {"password": password})
