"""A count of a user's actions per period, in the cache shared by every process (Redis in
production), for limits that the API's throttles do not cover (the pages too)."""

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, seconds: int) -> bool:
    """Count one more action under `key`; False once `limit` were counted in this period."""
    window = int(time.time() // seconds)
    name = f"ratelimit:{key}:{window}"
    cache.add(name, 0, timeout=seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds + 5)
        count = 1
    return count <= limit
