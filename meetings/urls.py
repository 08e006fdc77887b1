from django.urls import path

from meetings.booking import views
from meetings.history import export_views
from meetings.history import views as history_views
from meetings.presets import views as presets_views

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("meetings/new/preview", views.meeting_preview, name="meeting_preview"),
    path("meetings/new/conflicts", views.meeting_conflicts_view, name="meeting_conflicts"),
    path("meetings/<int:pk>/done/", views.meeting_done, name="meeting_done"),
    path("meetings/<int:pk>/status.json", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/create-again/", views.meeting_create_again_view, name="meeting_create_again"),
    path("meetings/pickers/<str:kind>", views.picker_search, name="picker_search"),
    path("meetings/timezones.json", views.timezones, name="timezones"),
    path("meetings/templates/", presets_views.template_list, name="template_list"),
    path("meetings/templates/<int:pk>/rename/", presets_views.template_rename, name="template_rename"),
    path("meetings/templates/<int:pk>/delete/", presets_views.template_delete, name="template_delete"),
    path("meetings/", history_views.my_meetings, name="history_mine"),
    path("meetings/all/", history_views.all_meetings, name="history_all"),
    path("meetings/all/verify/", history_views.audit_verify, name="audit_verify"),
    path("meetings/all/verify/<str:result_id>.json", history_views.audit_verify_status, name="audit_verify_status"),
    path("meetings/all/export.csv", export_views.export_csv, name="history_export"),
    path("meetings/exports/<int:pk>/", export_views.export_job_page, name="export_job"),
    path("meetings/exports/<int:pk>/cancel/", export_views.export_job_cancel, name="export_job_cancel"),
    path("meetings/exports/<int:pk>/status.json", export_views.export_job_status, name="export_job_status"),
    path("meetings/exports/<int:pk>/download/", export_views.export_job_download, name="export_job_download"),
    path("meetings/<int:pk>/", history_views.record_detail, name="history_detail"),
]
