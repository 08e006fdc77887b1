"""On PostgreSQL the migrations give the history's search a trigram index, and the search still finds the same."""

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_migrations_index_the_search_text_by_trigrams(postgres_db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        available = cursor.fetchone() is not None
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'record_search_trgm_idx'")
        index = cursor.fetchone()

    assert available, "this server lacks the contrib extension pg_trgm the test means to check"
    assert index is not None and "gin (search_text gin_trgm_ops)" in index[0]


def test_a_search_on_postgresql_finds_umlauts_and_parts_of_words(postgres_db, client, lena, record_factory):
    record_factory(user=lena, title="Größenplanung", associations=[])
    record_factory(user=lena, title="Kick-off", associations=[{"type": "companies", "id": "1", "label": "Müller GmbH"}])
    client.force_login(lena)

    def titles(text: str) -> list[str]:
        return [record.title for record in client.get(reverse("history_mine"), {"q": text}).context["page"]]

    assert titles("GRÖSSEN") == ["Größenplanung"]
    assert titles("müller g") == ["Kick-off"]
    assert titles("ck") == ["Kick-off"]  # shorter than a trigram: still found
