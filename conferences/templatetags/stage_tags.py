"""A request's or a challenge's state as a GOV.UK tag, in its one label and colour (conferences/stages.py)."""

from django import template

from conferences.stages import colour_of, label_of

register = template.Library()


@register.inclusion_tag("includes/_tag.html")
def state_tag(state, label="", colour=""):
    """`{% state_tag req.state %}`; `label` or `colour` override the stage's own."""
    return {"t": label or label_of(state), "c": colour or colour_of(state)}
