"""Census codes in words on the pages: the code lists in cases/codes.py are the only source of the names."""

from django import template

from cases.codes import CATEGORIES_OF_ABUSE, EVERY_ASSESSMENT_FACTOR

register = template.Library()


def name_of(code: str) -> str:
    """A category of abuse or an assessment factor (their codes never collide), by its census name."""
    return CATEGORIES_OF_ABUSE.get(code) or EVERY_ASSESSMENT_FACTOR.get(code) or code


@register.filter
def code_name(code):
    """`NEG` → "Neglect"; an unknown code is shown as it is."""
    return name_of(str(code))


@register.filter
def code_names(codes):
    """A list of codes as "Neglect, Domestic abuse: parent or carer"."""
    return ", ".join(name_of(str(code)) for code in codes or [])
