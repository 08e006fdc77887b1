"""The admins' CSV export of the all-meetings list (`meetings.exports` writes it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from meetings import exports
from meetings.history_views import AdminRecordFilterForm
from meetings.selectors import can_view_all, meeting_record_list


@login_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Exactly what the all-meetings list shows with the same filters, streamed a batch at a time."""
    if not can_view_all(request.user):
        raise PermissionDenied
    form = AdminRecordFilterForm(request.GET or None)
    records = meeting_record_list(viewer=request.user, filters=form.to_filters(), everyone=True)
    pieces = exports.csv_batches(records, delimiter=exports.delimiter_for(translation.get_language()))
    # The first piece is made now, in the request's language: the rest stream later, in another context.
    header = next(pieces)
    response = StreamingHttpResponse(_texts(header, pieces), content_type="text/csv; charset=utf-8")
    filename = f"meetings-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _texts(first, pieces):
    yield first[0]
    for text, _rows in pieces:
        yield text
