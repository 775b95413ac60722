from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import health
from party.initial_passwords import LoginForm, PasswordChangeView

admin.site.site_header = "Quản trị — Học tập và làm theo Bác"
admin.site.site_title = "Quản trị"
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("healthz/", health, name="health"),
    path("account/", include("party.two_factor_views")),
    path("reports/", include("reports.urls")),
    path("", include("party.urls")),
    path("", include("pledges.urls")),
]
