"""A real Celery worker, on the Redis broker, runs a registry task against PostgreSQL."""

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from registry.tasks import count_households_by_status


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_counts_households_through_redis(households, county_office, township_office):
    assert not app.conf.task_always_eager, "set REDIS_URL: this test needs a real broker"
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        # What the caller may see: the county's three households, not the other county's.
        result = count_households_by_status.delay(county_office.pk)
        assert result.get(timeout=30) == {"registered": 3}
        result = count_households_by_status.delay(county_office.pk, "620623101000")
        assert result.get(timeout=30) == {"registered": 1}
        result = count_households_by_status.delay(township_office.pk, "620622000000")
        assert result.get(timeout=30) == {}
