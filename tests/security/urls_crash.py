"""The site's URLs plus one view that fails, to see what a visitor gets from an error."""

from django.urls import path

from config.urls import urlpatterns as site_urls


def crash(request):
    raise RuntimeError("secret detail /work/main/party/views.py SELECT * FROM party_member")


urlpatterns = [*site_urls, path("crash/", crash)]
