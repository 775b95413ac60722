"""URLs of the Excel import pages, under /import/ (party/urls.py includes them)."""

from django.urls import path

from party.imports import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
]
