"""The site's URLs plus one view that fails, for the 500 page."""

from django.urls import path

from repeatplans.urls import urlpatterns as site

FAILURE = "DATABASE_URL=postgres://secret@db/x for Jane Smith"


def fail(request):
    raise RuntimeError(FAILURE)


urlpatterns = [*site, path("fail/", fail)]
