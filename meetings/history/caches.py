"""The history's caches, declared once: what each holds, whose it is, how long, what drops it.

None of them holds what HubSpot answered; each spares the database work a person would wait for.
When Redis is down, the shared ones miss and are computed per view, and no page is drawn ahead
(`config/redis_cache.py`); nothing fails a page.

- **Drawn pages** (`meetings/history/pages.py`): a list page below its heading (filter bar, audit state,
  chart, rows, paging; no CSRF token), in each process's memory (`CACHES["history_pages"]`), keyed by the
  scope (everyone's, or one rep's), the query, language, time zone and the records' *version* — a token in
  Redis that every write replaces (`meetings/signals.py`). Kept because the history page misses its latency
  target at 16 viewers without it (`make bench`). Only with Redis (`HISTORY_PAGE_CACHE`): without it the
  worker's writes would not reach the app's memory. Lives `HISTORY_SUMMARY_SECONDS` at most; dropped by any
  write to the records, a rep's new name or first connection, an audit verification.
- **Summaries** (`meetings/history/selectors.py`): the chart's and the per-rep counts, two 12-week
  aggregations (0.1–0.8 s over a million records), shared by every process, per scope, filters and the
  viewer's zone, for `HISTORY_SUMMARY_SECONDS`. A new record shows in the list at once, in the chart within
  that interval.
- **Rep and portal choices** (below, `meetings/history/views.py`): the admin's filter offers every rep with
  a HubSpot connection and every portal any record was made in (a `DISTINCT` over every record), shared by
  every process for `CHOICES_SECONDS`; a new rep or portal is offered within that time. An erasure drops them.
"""

from django.core.cache import cache

REPS_KEY, PORTALS_KEY = "history:reps", "history:portals"
CHOICES_SECONDS = 300


def forget_choices() -> None:
    cache.delete_many([REPS_KEY, PORTALS_KEY])
