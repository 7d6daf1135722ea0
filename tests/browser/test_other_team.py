"""A worker from another team cannot find, open or act on a child of the north team, nor can their manager."""

from playwright.sync_api import expect

from audit.models import RecordAccess
from tests.browser.helpers import named_child
from tests.conferences.journeys import checked


def test_a_worker_from_another_team_is_refused(council, sign_in):
    child = named_child(council, "Noah", "Kettering", plans=1, ended_days_ago=60)
    request = checked(council, child)

    outsider = sign_in(council.other_social_worker)
    page = outsider.page
    outsider.nav("Find a child", "find a child")
    page.get_by_label("Name or local child ID").fill("Kettering")
    outsider.press("Search", "no results")
    expect(page.get_by_role("heading", name="0 children found")).to_be_visible()
    expect(page.get_by_role("link", name="Noah Kettering")).to_have_count(0)

    for path, name in [
        (f"/children/{child.pk}/", "child record refused"),
        (f"/requests/{request.pk}/", "request refused"),
        (f"/requests/{request.pk}/edit/repeat/", "section refused"),
        (f"/decisions/requests/{request.pk}/", "decision refused"),
    ]:
        outsider.visit(path, name)
        assert outsider.status == 404, f"{path} answered {outsider.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.get_by_text("Noah")).to_have_count(0)

    other_manager = sign_in(council.other_area_manager)
    other_manager.nav("Your decisions", "other area's dashboard")
    expect(other_manager.page.get_by_text("Noah Kettering")).to_have_count(0)
    other_manager.visit(f"/decisions/requests/{request.pk}/", "decision refused to the other area")
    assert other_manager.status == 404

    strangers = [council.other_social_worker.pk, council.other_area_manager.pk]
    assert not RecordAccess.objects.filter(child=child, user_id__in=strangers).exists()
