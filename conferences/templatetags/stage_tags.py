"""A request's or a challenge's state as a GOV.UK tag, in its one label and colour (conferences/stages.py)."""

from django import template

from conferences.stages import colour_of, label_of

register = template.Library()


@register.inclusion_tag("includes/_tag.html")
def state_tag(state):
    """`{% state_tag req.state %}`: the words and colour are the stage's own, so every page says the same."""
    return {"words": label_of(state), "colour": colour_of(state)}
