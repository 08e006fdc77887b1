"""The app's URLs plus one that fails, for the 500 page's tests (a bug is the only way to reach it)."""

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def fail(request):
    raise RuntimeError("a bug, for the 500 page's tests")


urlpatterns = [path("fails/", fail), *app_urlpatterns]
