"""One run at a time: a job that must never overlap itself (a cross-match, a re-check) holds
a PostgreSQL advisory lock while it runs. The lock belongs to the database session, so a
worker that dies releases it."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def alone(name: str):
    """Yields True when this run holds the lock named `name`, False when another run does.
    The zero-setup demo (SQLite, tasks run in-process, one at a time) has no such lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
