from django.contrib import admin
from django.urls import include, path

from config.views import health

admin.site.site_header = "Quản trị — Học tập và làm theo Bác"
admin.site.site_title = "Quản trị"
admin.site.index_title = "Quản trị hệ thống"

# Each app's URLs are named by string: config imports none of the apps' code.
urlpatterns = [
    # /login/, /logout/, /password/, /account/ (party/accounts/urls.py)
    path("", include("party.accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", health, name="health"),
    path("reports/", include("reports.urls")),
    path("", include("party.urls")),
    path("", include("pledges.urls")),
    # /members/<id>/personal-data/: the data-subject export (reports/subject_urls.py)
    path("", include("reports.subject_urls")),
]
