"""A request's or a challenge's state as a GOV.UK tag, in its one label and colour (conferences/stages.py), and
its trail's events in words."""

from django import template
from django.utils.html import format_html

from conferences.actions import action_in_words
from conferences.stages import colour_of, label_of

register = template.Library()


@register.simple_tag
def state_tag(state):
    """`{% state_tag req.state %}`: the words and colour are the stage's own, so every page says the same.

    Built here rather than from a template: lists show one in every row."""
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour_of(state), label_of(state))


@register.filter
def trail_words(event: str) -> str:
    """`{{ event.action|trail_words }}`: a trail event as its action's declaration says it."""
    return action_in_words(event)
