"""Census codes in words on the pages: the code lists in cases/codes.py are the only source of the names."""

from django import template

from cases.codes import name_of, names_of

register = template.Library()


@register.filter
def code_name(code):
    """`NEG` → "Neglect"; an unknown code is shown as it is."""
    return name_of(str(code))


@register.filter
def code_names(codes):
    """A list of codes as "Neglect, Domestic abuse: parent or carer"."""
    return names_of(codes)
