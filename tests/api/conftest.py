"""API test helpers: a client that sends a person's own token, as an integration would."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.tokens import create_token


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> APIClient:
    _, raw = create_token(user, name=f"test token of {user.username}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.token = raw
    return client


@pytest.fixture
def api_as():
    """api_as(user): an API client holding a new token of that user."""
    return client_for
