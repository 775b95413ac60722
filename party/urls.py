"""The organization's pages (home, units, members, the unit search), with the import and the work
records' URLs included; config/urls.py includes this at the site's root."""

from django.urls import include, path

from party import unit_search, views

urlpatterns = [
    path("", views.home, name="home"),
    # /units/, /members/
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/search/", unit_search.unit_search, name="unit_search"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    # /import/ (party/imports/urls.py)
    path("import/", include("party.imports.urls")),
    # /work/ and each kind of work record (party/records/urls.py)
    path("", include("party.records.urls")),
]
