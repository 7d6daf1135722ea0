"""Password rules: at least 12 characters, not a common password, not like the person's own names."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("gatekeep-11", "at least 12 characters"),
        ("password", "at least 12 characters"),
        ("12345678", "at least 12 characters"),
        ("startfinding", "too common"),
        ("qwertyqwerty", "too common"),
        ("348261957301", "entirely numeric"),
        ("jo.bloggs-council", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    user = UserFactory.build(username="jo.bloggs", email="jo.bloggs@council.example", first_name="Jo")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any(reason in message for message in refused.value.messages), refused.value.messages


@pytest.mark.parametrize("password", ["gatekeeping-demo", "a long and odd phrase", "Tr1cky-but-12"])
def test_good_passwords_pass(password):
    user = UserFactory.build(username="jo.bloggs", email="jo.bloggs@council.example", first_name="Jo")
    validate_password(password, user)
