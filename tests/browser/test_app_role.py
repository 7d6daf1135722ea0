"""The browser journeys meet the app as production runs it: the live server signs in to PostgreSQL
as the app's own role (tests/browser/conftest.py), not as the owner that migrated the tables."""

import threading

from django.db.backends.signals import connection_created

from audit.models import SecurityEvent


def test_the_live_server_works_as_the_apps_own_role(council, open_browser, live_server_as_app_role):
    signed_in_as = []

    def who(sender, connection, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                signed_in_as.append(cursor.fetchone()[0])

    connection_created.connect(who, weak=False, dispatch_uid="live_server_role")
    try:
        person = open_browser("sw")
        person.sign_in()
        person.visit("/children/", "find a child")
        person.page.goto(f"{person.base_url}/children/999999/")  # refused: a security event the app's role writes
    finally:
        connection_created.disconnect(dispatch_uid="live_server_role")

    assert signed_in_as and set(signed_in_as) == {live_server_as_app_role}
    assert SecurityEvent.objects.filter(user=council.social_worker, status=404).exists()
