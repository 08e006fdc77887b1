"""The admins' CSV export of the all-meetings list (`meetings.history.exports` writes it).

Up to `EXPORT_STREAM_MAX_ROWS` rows stream from the request; more become a job the worker writes,
with a page that shows its progress and, once done, the download.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.core.selectors import can_view_all, meeting_record_list
from meetings.history import exports, tasks
from meetings.history.models import ExportJob
from meetings.history.selectors import export_job_get
from meetings.history.views import AdminRecordFilterForm


@login_required
@require_http_methods(["GET", "POST"])
def export_csv(request: HttpRequest) -> HttpResponse:
    """Exactly what the all-meetings list shows with the same filters: streamed, or written by the worker.

    Filters come from the query string either way. Only a (CSRF-checked) post starts a job: a link
    from elsewhere that lands here on a large export gets a page that asks first.
    """
    if not can_view_all(request.user):
        raise PermissionDenied
    form = AdminRecordFilterForm(request.GET or None)
    filters = form.to_filters()
    records = meeting_record_list(viewer=request.user, filters=filters, everyone=True)
    language = translation.get_language()
    if exports.exceeds_stream_bound(records):
        if request.method != "POST" or "confirm" not in request.POST:
            return _confirmation(request, records, form)
        job = exports.export_job_waiting(user=request.user, filters=filters, language=language)
        if job is None:
            job = exports.export_job_create(user=request.user, filters=filters, language=language)
            tasks.export_write.enqueue(job.pk)
        return redirect("export_job", pk=job.pk)
    pieces = exports.csv_batches(records, delimiter=exports.delimiter_for(language))
    # The first piece is made now, in the request's language: the rest stream later, in another context.
    header, _rows = next(pieces)
    response = StreamingHttpResponse(_texts(header, pieces), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meetings-{timezone.localdate().isoformat()}.csv"'
    return response


def _confirmation(request: HttpRequest, records, form: AdminRecordFilterForm) -> HttpResponse:
    """A large export asks first: how many rows, which filters, and how long the worker took for as many lately."""
    count = records.count()  # the one full count, on this page only: the list never counts
    seconds = exports.export_estimate_seconds(count)
    return render(request, "history/export_start.html", {
        "query": request.GET.urlencode(), "count": count, "count_text": number_format(count, force_grouping=True),
        "filters": form.summary(), "estimate": _duration_text(seconds) if seconds else "",
    })


def _duration_text(seconds: int) -> str:
    if seconds < 90:
        return ngettext("about %(count)s second", "about %(count)s seconds", seconds) % {"count": seconds}
    minutes = round(seconds / 60)
    return ngettext("about %(count)s minute", "about %(count)s minutes", minutes) % {
        "count": number_format(minutes, force_grouping=True)}


def _texts(header: bytes, pieces):
    yield header
    for text, _rows in pieces:
        yield text


def _job(request: HttpRequest, pk: int) -> ExportJob:
    exports.export_jobs_fail_abandoned()  # a job whose worker died says it failed, not "running" forever
    try:
        return export_job_get(viewer=request.user, pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def export_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "history/export_job.html", {"job": job, "state": _state(job)})


@login_required
@require_GET
def export_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the job's page polls (static/js/export-progress.js)."""
    return JsonResponse(_state(_job(request, pk)))


@login_required
@require_GET
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.is_done:
        raise Http404
    try:
        file = open(exports.export_job_path(job), "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404 from None  # deleted as old, or lost with the disk
    filename = f"meetings-{timezone.localdate(job.created_at).isoformat()}-{job.pk}.csv"
    return FileResponse(file, as_attachment=True, filename=filename, content_type="text/csv; charset=utf-8")


@login_required
@require_POST
def export_job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not exports.export_job_cancel(job=job):
        messages.info(request, _("This export had already ended."))
    return redirect("export_job", pk=job.pk)


def _state(job: ExportJob) -> dict:
    seconds_left = job.seconds_left
    return {
        "status": job.status, "finished": job.is_finished, "rows_done": job.rows_done, "rows_total": job.rows_total,
        "percent": job.percent, "seconds_left": seconds_left,
        "progress_text": _progress_text(job), "time_left_text": _time_left_text(seconds_left),
        "download_url": reverse("export_job_download", args=[job.pk]) if job.is_done else None,
        "error": job.error, "cancelled": job.is_cancelled,
    }


def _progress_text(job: ExportJob) -> str:
    if job.rows_total is None:
        return _("Waiting for the worker…")
    return ngettext("%(done)s of %(total)s row written", "%(done)s of %(total)s rows written", job.rows_total) % {
        "done": number_format(job.rows_done, force_grouping=True),
        "total": number_format(job.rows_total, force_grouping=True)}


def _time_left_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return ngettext("About %(count)s second left", "About %(count)s seconds left", seconds) % {"count": seconds}
    minutes = round(seconds / 60)
    return ngettext("About %(count)s minute left", "About %(count)s minutes left", minutes) % {"count": minutes}
