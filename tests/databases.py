"""One PostgreSQL database per pytest-xdist worker, so that workers never share tables.

`worker_database(URL)` is URL itself outside xdist (and for the first worker, `gw0`); for worker
`gwN` it is URL's database name with `_gwN` appended, created on the same server when missing.
"""
from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def worker_database(url: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker in ("", "gw0"):
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": name})
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)
