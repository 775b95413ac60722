"""URLs of the work records, included at the site's root by party/urls.py."""

from django.urls import path

from party.records import views

urlpatterns = [
    # /work/: every kind with this year's count
    path("work/", views.work_home, name="work_home"),
    # /meetings/, /inspections/, /documents/, /conferences/, /awards/, /practices/ (list, new,
    # detail, edit, delete): every kind registered in party.records.registry
    *views.record_urls(),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
]
