"""A request's or a challenge's state as a GOV.UK tag, in its one label and colour (conferences/stages.py), and
its trail's events in words."""

from django import template

from conferences.actions import action_in_words
from conferences.stages import colour_of, label_of

register = template.Library()


@register.inclusion_tag("includes/_tag.html")
def state_tag(state):
    """`{% state_tag req.state %}`: the words and colour are the stage's own, so every page says the same."""
    return {"words": label_of(state), "colour": colour_of(state)}


@register.filter
def trail_words(event: str) -> str:
    """`{{ event.action|trail_words }}`: a trail event as its action's declaration says it."""
    return action_in_words(event)
