"""Links between the pages of a paginated list that keep the list's other query parameters."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """``?q=…&status=…&page=<number>``: the current query with another page."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
