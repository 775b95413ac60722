from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Quản trị — Học tập và làm theo Bác"
admin.site.site_title = "Quản trị"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("party.urls")),
    path("", include("pledges.urls")),
]
