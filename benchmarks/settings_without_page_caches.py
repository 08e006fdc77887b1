"""Production settings without the page-render caches, for `load_bench.py --no-page-caches` only.

The history's drawn pages off (HISTORY_PAGE_CACHE, meetings/history_pages.py) and the `{% cache %}` fragments
(the form's fields, the history's filter bar and chart) on Django's dummy backend, which keeps nothing: every
view draws its whole page, as a view right after a write does with the caches. Everything else as configured.
"""

from config.settings import *  # noqa: F403
from config.settings import CACHES

HISTORY_PAGE_CACHE = False
CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
