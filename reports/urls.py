from django.urls import include, path

from reports import views

urlpatterns = [
    # /reports/ (pick and read), /reports/print/, the lists behind the totals
    path("", views.report, name="report"),
    path("print/", views.report_print, name="report_print"),
    path("registrations/", views.report_registrations, name="report_registrations"),
    path("plans/", views.report_plans, name="report_plans"),
    # /reports/export/ (the Excel workbook, in the background when large)
    path("", include("reports.export_urls")),
]
