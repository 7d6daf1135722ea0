"""Small helpers for writing GOV.UK form markup by hand in the request templates."""

from django import template

register = template.Library()

DATE_PARTS = (("Day", 2), ("Month", 2), ("Year", 4))


@register.filter
def date_parts(bound_field):
    """The day, month and year boxes of a UKDateField: as typed when the form was posted, else as saved."""
    value = bound_field.value()
    if not isinstance(value, list | tuple):
        value = bound_field.field.widget.decompress(value)
    return [
        {
            "id": f"{bound_field.auto_id}_{index}",
            "name": f"{bound_field.html_name}_{index}",
            "label": label,
            "width": width,
            "value": "" if value[index] is None else value[index],
        }
        for index, (label, width) in enumerate(DATE_PARTS)
    ]
