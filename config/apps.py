"""App configs for third-party apps that need a Vietnamese name in admin."""

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes (login lockout) under a Vietnamese heading in admin."""

    verbose_name = "Khóa đăng nhập"
