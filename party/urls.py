from django.urls import include, path

from party import unit_search, views, views_privacy
from party.record_types import document_file
from party.record_views import record_urls, work_home

urlpatterns = [
    path("", views.home, name="home"),
    # /units/, /members/
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/search/", unit_search.unit_search, name="unit_search"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/personal-data/", views_privacy.member_personal_data, name="member_personal_data"),
    # /import/ (party/imports/urls.py)
    path("import/", include("party.imports.urls")),
    path("work/", work_home, name="work_home"),
    # /meetings/, /inspections/, /documents/, /conferences/, /awards/, /practices/ (list, new,
    # detail, edit, delete): every kind registered in party.records.registry
    *record_urls(),
    path("documents/<int:pk>/file/", document_file, name="document_file"),
]
