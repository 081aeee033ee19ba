"""Personas and areas shared by every test.

Areas: county 620623 with township 620623100 (villages A 620623100200 and B 620623100201) and
township 620623101 (village C 620623101200); another county 620622 (village D 620622100200).
"""

import pytest
from django.conf import settings
from django.utils import translation

from core.areas import areas_load
from core.choices import RoleCode as Role
from core.posts import post_grant

from .factories import make_household

# The signers and the ready household of exit verification, for its tests and the browser's.
pytest_plugins = ["tests.verification.fixtures"]

if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
    pytest.exit("The suite runs on PostgreSQL: set DATABASE_URL (make test does).", returncode=2)

# A deliberately slow password hash (0.6 s here) costs every persona of every test; the tests
# check who may do what, not the hash's strength. Production keeps Django's default.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AREA_ROWS = [
    ("62", "甘肃省"),
    ("6206", "武威市"),
    ("620623", "天祝藏族自治县"),
    ("620623100", "华藏寺镇"),
    ("620623100200", "岔口驿村"),
    ("620623100201", "南泥沟村"),
    ("620623101", "打柴沟镇"),
    ("620623101200", "金强驿村"),
    ("620622", "古浪县"),
    ("620622100", "古浪镇"),
    ("620622100200", "城关村"),
]
VILLAGE_A, VILLAGE_B, VILLAGE_C, VILLAGE_D = (
    "620623100200",
    "620623100201",
    "620623101200",
    "620622100200",
)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the shared cache (Redis): a test starts with none, whatever
    an earlier test or run counted for a user of the same id."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def _test_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_outside_the_checkout(settings, _test_media):
    """Uploads a test stores (the forms and photos of a step) go to a temporary folder, never
    into the checkout's media/."""
    settings.MEDIA_ROOT = _test_media


@pytest.fixture(autouse=True)
def chinese_first():
    """Each test starts in the default language; a request in English must not leak into the next."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def areas(db):
    from django.apps import apps

    from core.roles import load_roles

    load_roles(apps.get_model)  # a transactional test before this one may have emptied them
    areas_load({"code": code, "name": name} for code, name in AREA_ROWS)


def _persona(username, role, area_code):
    return post_grant(username=username, role=role, area_code=area_code, password="pw-12345").user


@pytest.fixture
def cadre_a(areas):
    return _persona("cadre_a", Role.VILLAGE_CADRE, VILLAGE_A)


@pytest.fixture
def cadre_b(areas):
    return _persona("cadre_b", Role.VILLAGE_CADRE, VILLAGE_B)


@pytest.fixture
def township_office(areas):
    return _persona("township", Role.TOWNSHIP_OFFICE, "620623100")


@pytest.fixture
def county_office(areas):
    return _persona("county", Role.COUNTY_OFFICE, "620623")


@pytest.fixture
def other_county_office(areas):
    return _persona("other_county", Role.COUNTY_OFFICE, "620622")


@pytest.fixture
def superuser(areas, django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-12345")


@pytest.fixture
def households(areas, superuser):
    """One household in each village, keyed by village letter."""
    return {
        letter: make_household(village=code, actor=superuser)
        for letter, code in zip("ABCD", (VILLAGE_A, VILLAGE_B, VILLAGE_C, VILLAGE_D), strict=True)
    }


@pytest.fixture
def this_years_line(areas):
    """A poverty line for the year the registry collects incomes for (this year): the reference
    data stops at 2021, later lines are each province's to enter."""
    from registry import selectors
    from registry.models import PovertyLine

    year = selectors.current_income_year()
    line, _created = PovertyLine.objects.get_or_create(
        year=year, defaults={"amount": "4000", "basis": "provincial", "note": "测试"}
    )
    return line


@pytest.fixture
def eager_tasks(settings, tmp_path, django_capture_on_commit_callbacks):
    """Run the import tasks in-process after the commit that queues them, as a worker would:
    `with eager_tasks(): ...` around the request that queues one."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    app.conf.task_always_eager = False


@pytest.fixture
def api(client):
    """A JSON client: api(user).get(...), .post(url, data), .patch(url, data)."""

    class Api:
        def __init__(self, user):
            client.force_login(user)

        def get(self, url, **params):
            return client.get(url, params)

        def post(self, url, data=None):
            return client.post(url, data or {}, content_type="application/json")

        def patch(self, url, data):
            return client.patch(url, data, content_type="application/json")

        def put(self, url, data):
            return client.put(url, data, content_type="application/json")

        def delete(self, url):
            return client.delete(url)

    return Api


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests empty every table between tests, the migration's default causes,
    attributes and lines with them: load them again."""
    from django.apps import apps

    from core.roles import load_roles
    from identification.reference import load_check_rules, load_roster_types
    from registry.reference import load_reference_data

    load_roles(apps.get_model)
    load_reference_data(apps.get_model)
    load_roster_types(apps.get_model)
    load_check_rules(apps.get_model)
