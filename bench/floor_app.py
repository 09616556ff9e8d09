"""The soak's floor: a bare Flask app on the same gunicorn and PostgreSQL, doing nothing but its statements.

Served by bench/soak_floor.py (`bench.floor_app:app`). No ORM, no login, no validation, no audit: what is left is
the cost of the stack itself (gunicorn sync worker, Werkzeug, Flask, SQLAlchemy Core, psycopg2, PostgreSQL).
"""
import os

import sqlalchemy as sa
from flask import Flask, abort

app = Flask(__name__)
#: psycopg2, as the registry's own URLs get, unless the URL names a driver (`bench.soak --driver psycopg`)
engine = sa.create_engine(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://", 1))
#: An indexed lookup by code, as every API request makes for its region, campaign and organization.
LOOKUP = sa.text("SELECT id, name FROM organizations WHERE code = :code")
#: A written row, committed (the WAL flush on commit is part of every write's cost).
WRITE = sa.text("INSERT INTO floor_writes (n, note) VALUES (:n, :note)")


def _steps(n: int) -> int:
    if not 0 <= n <= 50:
        abort(404)
    return n


@app.get("/bare")
def bare():
    return {"ok": True}


@app.get("/reads/<int:n>")
def reads(n: int):
    """`n` indexed lookups in one transaction."""
    with engine.connect() as conn:
        found = [conn.execute(LOOKUP, {"code": f"B-O{i + 1}"}).first() is not None for i in range(_steps(n))]
    return {"found": sum(found)}


@app.post("/writes/<int:n>")
def writes(n: int):
    """One lookup and `n - 1` inserts in one committed transaction."""
    with engine.begin() as conn:
        conn.execute(LOOKUP, {"code": "B-O1"})
        for i in range(_steps(n) - 1):
            conn.execute(WRITE, {"n": i, "note": "floor"})
    return {"written": max(n - 1, 0)}
