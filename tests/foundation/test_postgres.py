from django.urls import reverse


def test_app_runs_on_postgresql(postgres_db, client):
    """CI runs the whole suite against PostgreSQL; this proves it really is PostgreSQL."""
    with postgres_db.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]

    assert client.get(reverse("healthz")).json()["database"] == "ok"
