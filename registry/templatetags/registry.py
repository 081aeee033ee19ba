from django import template

register = template.Library()


@register.filter
def get_count(counts: dict, key: str) -> int:
    """{{ row.counts|get_count:status }}: a count from a dict keyed by status, 0 when absent."""
    return counts.get(key, 0)
