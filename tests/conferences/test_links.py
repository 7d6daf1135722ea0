from django.urls import reverse

from conferences.views.links import links_to


def test_a_link_filled_in_is_the_link_reversed():
    for name in ("conferences:request_detail", "decisions:decide", "decisions:challenge"):
        link = links_to(name)
        assert [link(pk) for pk in (1, 42, 123456)] == [reverse(name, args=[pk]) for pk in (1, 42, 123456)]
