"""The family's CP history on the child's page (templates/cases/child_detail.html).

The page belongs to `cases`, which knows nothing of families' histories; its template asks this
tag, which works the history out and logs the look at each sibling's plans, once per page shown.
"""

from django import template

from conferences.family import SiblingHistory, family_history, record_family_access

register = template.Library()


@register.simple_tag(takes_context=True)
def child_family_history(context, child, on_date, siblings) -> list[SiblingHistory]:
    """`{% child_family_history child today siblings as family %}`: the family's history, its reading
    logged; the page has read the siblings (with their teams) already."""
    request = context["request"]
    family = family_history(child, on_date, siblings)
    record_family_access(request.user, family, request.path)
    return family
