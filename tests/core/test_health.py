"""The health probe: no login, one trivial read, a clear answer when the database is gone."""

from django.db import DatabaseError


def test_the_probe_answers_without_a_login(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_probe_says_when_the_database_is_unreachable(client, db, monkeypatch):
    from core import views

    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}
