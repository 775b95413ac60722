"""The data-subject export's URL, at the site's root beside the member page (config/urls.py)."""

from django.urls import path

from reports import subject_views

urlpatterns = [
    # /members/<id>/personal-data/ (POST): everything held on one person, as a workbook
    path("members/<int:pk>/personal-data/", subject_views.member_personal_data, name="member_personal_data"),
]
