from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Kế hoạch, đăng ký làm theo Bác"
