"""The account's pages: sign in and out, the password, two-factor sign-in and its settings."""

from django.contrib.auth import views as auth_views
from django.urls import path

from party.accounts import views
from party.accounts.initial_passwords import LoginForm, PasswordChangeView

urlpatterns = [
    # /login/, /logout/, /password/: Django's views, with our login form and password page
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # /account/: the account's security page and two-factor sign-in
    path("account/", views.security, name="account_security"),
    path("account/two-factor/verify/", views.verify, name="two_factor_verify"),
    path("account/two-factor/enrol/", views.enrol, name="two_factor_enrol"),
    path("account/two-factor/codes/", views.codes, name="two_factor_codes"),
    path("account/two-factor/codes.txt", views.codes_download, name="two_factor_codes_download"),
    path("account/two-factor/codes/new/", views.codes_regenerate, name="two_factor_codes_regenerate"),
    path("account/two-factor/off/", views.turn_off, name="two_factor_off"),
]
