"""The indicators page's figures as links to the cases behind them, and its charts, written in Python:
the page shows a hundred or more of each, and an included template per figure (with its URL reversed
in the template) was most of the page's own time."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from quality import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def drill(context, key, value, query=None):
    """A figure linked to the cases behind it, for the page's filters (`query`, by default the page's own);
    a zero, or a row with no cases of its own (an empty query), is not a link."""
    query = context.get("query", "") if query is None else query
    if value and query:
        urls = context.render_context.setdefault("indicator_cases_urls", {})  # one reversal per figure a page
        url = urls.get(key) or urls.setdefault(key, reverse("quality:indicator_cases", args=[key]))
        return format_html(
            '<a class="govuk-link" href="{}?{}">{}<span class="govuk-visually-hidden"> – see the cases</span></a>',
            url,
            query,
            value,
        )
    return "0" if value is None else value


@register.simple_tag
def bar_chart(chart, id):
    return charts.svg(chart, id)


@register.simple_tag
def chart_table_rows(chart):
    return charts.table_rows(chart)
