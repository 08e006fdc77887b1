"""Production settings without the page-render caches, for `load_bench.py --no-page-caches` only.

PAGE_CACHES_OFF names which: "drawn-pages" (HISTORY_PAGE_CACHE off: meetings/history_pages.py), "fragments" (the
`{% cache %}` fragments — the form's fields, the history's filter bar and chart — on Django's dummy backend,
which keeps nothing), or "both" (the default). Without them every view draws its whole page, as a view right
after a write does with them. Everything else as configured.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES

OFF = os.environ.get("PAGE_CACHES_OFF", "both")
if OFF in ("both", "drawn-pages"):
    HISTORY_PAGE_CACHE = False
if OFF in ("both", "fragments"):
    CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
