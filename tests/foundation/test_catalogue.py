"""German without English leftovers: every message translated, no fuzzy guesses, no text outside the catalogue."""

import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
GERMAN = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Words that are the same in both languages: product and format names, units.
SAME_IN_BOTH = {"HubSpot", "Meeting", "Booker", "UTC", "CSV", "JSON", "ID", "ms", "OK", "Tom", "Select", "E-Mail"}
TRANSLATED_BLOCKS = re.compile(
    r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}"
    r"|<script.*?</script>|<style.*?</style>|<code>.*?</code>|<pre.*?</pre>",
    re.S,
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt|data-empty|data-[a-z-]*label)="([^"]*)"')
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")


def test_every_german_message_is_translated_and_none_is_a_guess():
    catalogue = polib.pofile(str(GERMAN))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries() if e.msgid] == []


def visible_words(source: str) -> list[str]:
    """Words a reader would see that no translate tag covers."""
    source = TRANSLATED_BLOCKS.sub(" ", source)
    attributes = [TEMPLATE_CODE.sub(" ", value) for value in VISIBLE_ATTRIBUTES.findall(source)]
    text = re.sub(r"<[^>]*>", " ", TEMPLATE_CODE.sub(" ", source))
    return [w for chunk in [text, *attributes] for w in WORD.findall(chunk) if w not in SAME_IN_BOTH]


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_templates_show_no_text_outside_the_catalogue(template):
    assert visible_words(template.read_text(encoding="utf-8")) == []


def test_the_finder_sees_bare_text_and_bare_labels():
    assert visible_words('<p>{% translate "Fine" %}</p><p>Oops here</p><a aria-label="Close it">×</a>') == [
        "Oops", "here", "Close"]


@pytest.mark.django_db
def test_the_form_page_in_german_shows_german_options(rep_client):
    with translation.override("de"):
        content = rep_client.get(reverse("meeting_create"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    for english in ("Scheduled", "Completed", "Canceled", "15 minutes", "— or enter an end —"):
        assert f">{english}</option>" not in content, english
    assert ">Geplant</option>" in content and ">15 Minuten</option>" in content


@pytest.mark.django_db
def test_each_language_is_named_in_itself(client):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert 'lang="en"' in content and ">English</button>" in content
    assert ">Deutsch</button>" in content and "Englisch" not in content


def test_the_compiled_catalogue_is_the_catalogue():
    """The committed .mo is what Django reads: a stale one shows English for messages the .po translates."""
    source = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in polib.pofile(str(GERMAN)).translated_entries()}
    compiled = {(e.msgid, e.msgstr or str(e.msgstr_plural))
                for e in polib.mofile(str(GERMAN.with_suffix(".mo"))) if e.msgid}

    assert source - compiled == set()
