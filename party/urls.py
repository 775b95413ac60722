from django.urls import path

from party import views, views_import

urlpatterns = [
    path("", views.home, name="home"),
    # /units/, /members/
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    # /import/
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
]
