"""The API answers as its OpenAPI schema says, for an editing role and a read-only role.

A bounded Schemathesis run over every operation, in-process against the WSGI application and the
test database: any 5xx, any undocumented status code, and any response whose body, content type
or headers differ from the schema fail the test. Path ids are drawn from the seeded records half
of the time, so that reads and edits of a real household are generated, not only 404s; then the
answers random data rarely reaches (a registration, a conflict, a refusal) are checked one by one.
"""

import json
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry import services
from registry.choices import Relation
from registry.models import PovertyLine

from ..conftest import VILLAGE_A
from ..factories import make_household, member_data

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples and random fuzzing (valid and invalid data), max_examples per operation; the coverage
# phase alone would send some 1,500 requests to a household write.
BOUNDED_RUN = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
BOUNDED = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def seeded(households, superuser):
    """A record of every kind the paths name, in the editor's village."""
    household = households["A"]
    income = services.income_record(
        actor=superuser, household=household, year=2016, data={"wage_income": Decimal("6000")}
    )
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType

    from identification.models import Application, Notice, Objection
    from identification.services.complaints import complaint_record
    from identification.services.procedure import application_open

    applicant = make_household(village=VILLAGE_A, actor=superuser, status="applicant")
    application = application_open(
        actor=superuser, household=applicant, kind="entry", year=2016, reason="因病致贫"
    )
    notice = Notice.objects.create(
        purpose="identification",
        level="village",
        area_id=VILLAGE_A,
        year=2016,
        title="岔口驿村2016年度贫困人口识别村级公示",
        starts_on=dt.date(2016, 12, 1),
        ends_on=dt.date(2016, 12, 7),
        days=7,
        where_to_object="村委会",
    )
    item = notice.items.create(
        position=1,
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        household=applicant,
        head_name=applicant.head_name,
        size=applicant.size,
        reason="识别纳入",
    )
    objection = Objection.objects.create(
        notice=notice,
        item=item,
        objector_name="李四",
        objector_contact="13800000000",
        channel="visit",
        received_on=notice.starts_on,
        content="该户有一辆小轿车",
    )
    complaint = complaint_record(
        actor=superuser,
        channel="phone",
        received_on=dt.date(2016, 12, 2),
        concern="wrong_entry",
        content="该户家有轿车",
        household=household,
    )
    from verification.models import ExitStandard
    from verification.services.assessments import assessment_start

    assessment = assessment_start(actor=superuser, household=household, year=2016)
    return {
        "exit-standards": ExitStandard.objects.values_list("pk", flat=True).first(),
        "exit-assessments": assessment.pk,
        "households": household.pk,
        "members": household.members.first().pk,
        "incomes": income.pk,
        "areas": VILLAGE_A,
        "poverty-lines": PovertyLine.objects.values_list("pk", flat=True).first(),
        "applications": application.pk,
        "notices": notice.pk,
        "objections": objection.pk,
        "complaints": complaint.pk,
    }


@pytest.fixture
def in_test_transaction():
    """Like Django's test client: the WSGI handler must not close the connection that holds the
    test's transaction at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _schema():
    """The schema the API serves, generated without a request; Schemathesis calls the WSGI
    application in-process."""
    spec = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(spec, config=BOUNDED_RUN)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


def _token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _call(case, user, seeded):
    collection = case.path.strip("/").split("/")[1]
    for name, generated in (case.path_parameters or {}).items():
        if hash(generated) % 2 == 0:
            case.path_parameters[name] = seeded[collection]
    return case.call_and_validate(
        headers={"Authorization": f"Token {_token_for(user)}"} if user else {}, checks=CHECKS
    )


def _answer(user, method, path, path_parameters=None, body=None):
    with_body = {} if body is None else {"body": body, "media_type": "application/json"}
    case = schema[path][method].Case(path_parameters=path_parameters, **with_body)
    return case.call_and_validate(
        headers={"Authorization": f"Token {_token_for(user)}"} if user else {}, checks=CHECKS
    )


@schema.parametrize()
@BOUNDED
def test_an_editing_role_gets_what_the_schema_says(case, cadre_a, seeded, in_test_transaction):
    _call(case, cadre_a, seeded)


@schema.parametrize()
@BOUNDED
def test_a_read_only_role_gets_what_the_schema_says(
    case, county_office, seeded, in_test_transaction
):
    _call(case, county_office, seeded)


def test_answers_random_data_rarely_reaches_match_the_schema(
    households, cadre_a, county_office, in_test_transaction
):
    household = households["A"]
    spouse = household.members.get(relation=Relation.SPOUSE)
    path = "/api/households/{id}/"
    ids = {"id": household.pk}
    created = _answer(
        cadre_a,
        "POST",
        "/api/households/",
        body={
            "number": "6206231002009999",
            "village": VILLAGE_A,
            "members": [member_data(Relation.HEAD), member_data(Relation.SPOUSE, male=False)],
        },
    )
    assert created.status_code == 201 and len(created.json()["members"]) == 2
    edited = _answer(
        cadre_a, "PATCH", path, ids, {"version": household.version, "phone": "13900000001"}
    )
    assert edited.status_code == 200
    stale = _answer(
        cadre_a, "PATCH", path, ids, {"version": household.version, "phone": "13800000001"}
    )
    assert stale.status_code == 409 and stale.json()["current"]["phone"] == "13900000001"
    assert stale.json()["current"]["members"]
    stale_member = _answer(
        cadre_a,
        "PATCH",
        path,
        ids,
        {
            "version": edited.json()["version"],
            "members": [{"id": spouse.pk, "version": spouse.version + 5, "dibao": True}],
        },
    )
    assert stale_member.status_code == 409 and stale_member.json()["current"]["id"] == spouse.pk
    no_version = _answer(
        cadre_a, "PUT", path, ids, {"number": household.number, "village": VILLAGE_A}
    )
    assert no_version.status_code == 400 and "version" in no_version.json()
    refused = _answer(county_office, "PATCH", path, ids, {"version": 99, "phone": "13700000001"})
    assert refused.status_code == 403
    elsewhere = _answer(cadre_a, "GET", path, {"id": households["D"].pk})
    assert elsewhere.status_code == 404
    anonymous = _answer(None, "GET", "/api/households/")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == ["Token"]
