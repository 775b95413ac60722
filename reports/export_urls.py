"""URLs of the report's Excel and CSV exports, included under /reports/ by reports/urls.py."""

from django.urls import path

from reports import export_views

# /reports/export/...
urlpatterns = [
    path("export/", export_views.report_export, name="report_export"),
    path("export/csv/", export_views.report_export_csv, name="report_export_csv"),
    path("export/<uuid:pk>/", export_views.report_export_status, name="report_export_status"),
    path("export/<uuid:pk>/file/", export_views.report_export_file, name="report_export_file"),
]
