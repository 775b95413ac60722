"""django-otp's device apps under Vietnamese names in admin (where devices are reset).

The models' display names are set on `_meta` at start-up: django-otp's own are English strings
not marked for translation. Migrations read the models' original Meta, so nothing changes there.
"""

from django.apps import AppConfig


class TOTPConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    verbose_name = "Xác thực hai bước — ứng dụng trên điện thoại"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = "thiết bị xác thực"
        meta.verbose_name_plural = "thiết bị xác thực (xóa để đăng ký lại)"


class StaticConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    label = "otp_static"
    verbose_name = "Xác thực hai bước — mã khôi phục"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        meta = self.get_model("StaticDevice")._meta
        meta.verbose_name = meta.verbose_name_plural = "bộ mã khôi phục"
        token = self.get_model("StaticToken")._meta
        token.verbose_name, token.verbose_name_plural = "mã khôi phục", "mã khôi phục"
