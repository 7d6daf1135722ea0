"""The indicators page's figures as links to the cases behind them, and its charts, written in Python:
the page shows a hundred or more of each, and an included template per figure (with its URL reversed
in the template) was most of the page's own time."""

from functools import cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

from quality import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def drill(context, key, value, query=None):
    """A figure linked to the cases behind it, for the page's filters (`query`, by default the page's own);
    a zero, or a row with no cases of its own (an empty query), is not a link."""
    query = context.get("query", "") if query is None else query
    if value and query:
        return format_html(
            '<a class="govuk-link" href="{}?{}">{}<span class="govuk-visually-hidden"> – see the cases</span></a>',
            _cases_url(get_script_prefix(), key),
            query,
            value,
        )
    return "0" if value is None else value


@cache
def _cases_url(prefix: str, key: str) -> str:
    """The address of the cases behind a figure, worked out once per figure (and prefix) by the process."""
    return reverse("quality:indicator_cases", args=[key])


@register.simple_tag
def bar_chart(chart, id):
    return charts.svg(chart, id)


@register.simple_tag
def chart_table_rows(chart):
    return charts.table_rows(chart)
