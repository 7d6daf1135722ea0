"""The current plan's review conferences on the child's page (templates/cases/child_detail.html).

The page belongs to `cases`, which knows nothing of reviews; its template asks this tag.
"""

from django import template

from reviews.selectors import reviews_context

register = template.Library()


@register.simple_tag(takes_context=True)
def child_reviews(context, child, current_plan) -> dict:
    """`{% child_reviews child history.open_plan as reviews %}`: the reviews as the signed-in person may see them."""
    return reviews_context(context["request"].user, child, current_plan)
