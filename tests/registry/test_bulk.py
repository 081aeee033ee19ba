"""registry.bulk (RowMaker, copy_insert, copy_rows) and the field__any lookup (registry.lookups).

RowMaker promises full_clean()'s messages at a fraction of the cost, so its verdicts are compared
with Django's own full_clean() on the same values; copy_insert and copy_rows are checked against
what a query reads back; __any is checked against __in.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import idnumbers
from core.bulk import RowMaker, copy_insert, copy_rows
from core.models import Area
from registry.choices import Education, IdType, MigrantWork, Relation
from registry.models import Household, Income, Member

from ..conftest import VILLAGE_A
from ..factories import id_number, member_data

FULL_CLEAN = {"validate_unique": False, "validate_constraints": False}


def full_clean_errors(model, values: dict) -> tuple[object, dict]:
    """The instance Django builds from `values`, and full_clean()'s errors ({} when valid)."""
    instance = model(**values)
    try:
        instance.full_clean(exclude=["household"], **FULL_CLEAN)
    except ValidationError as error:
        return instance, error.message_dict
    return instance, {}


def maker_errors(maker: RowMaker, values: dict) -> tuple[object, dict]:
    instance, errors = maker.make(**values)
    return instance, ValidationError(errors).message_dict if errors else {}


def wrong_check_character(number: str) -> str:
    right = number[-1]
    return number[:-1] + next(c for c in idnumbers.CHECK_CHARACTERS if c != right)


def id_number_ending_in_x() -> str:
    """A valid number from the factory whose check character is X."""
    while not (number := id_number()).endswith("X"):
        pass
    return number


def legacy_15(number18: str) -> str:
    """The 15-digit number an 18-digit one (born in the 1900s) was upgraded from."""
    assert number18[6:8] == "19"
    return number18[:6] + number18[8:17]


# --- RowMaker gives full_clean()'s errors ------------------------------------------------------


MEMBER_CASES = {
    "valid": lambda: member_data(Relation.HEAD, name="张建国"),
    "valid with every optional field": lambda: member_data(
        Relation.SPOUSE,
        male=False,
        name="李秀英",
        sex="female",
        education=Education.PRIMARY,
        migrant_work=MigrantWork.OUT_OF_PROVINCE,
        migrant_months=10,
        disabled=True,
        disability_certificate="62062319800101000121",
    ),
    "bad check character": lambda: {
        **member_data(Relation.HEAD),
        "id_number": wrong_check_character(id_number()),
    },
    "sex contradicts the ID number": lambda: member_data(Relation.HEAD, male=True, sex="female"),
    "birth date contradicts the ID number": lambda: member_data(
        Relation.HEAD, birth_date=dt.date(1990, 5, 5)
    ),
    "relation not in the choices": lambda: member_data("cousin"),
    "education not in the choices": lambda: member_data(Relation.HEAD, education="phd"),
    "sex not in the choices": lambda: member_data(Relation.HEAD, sex="m"),
    "migrant_months over 12": lambda: member_data(
        Relation.HEAD, migrant_work=MigrantWork.IN_COUNTY, migrant_months=13
    ),
    # The field's maximum and the model's "no months without migrant work", on one field.
    "migrant_months over 12 without migrant work": lambda: member_data(
        Relation.HEAD, migrant_months=13
    ),
    "name too long": lambda: member_data(Relation.HEAD, name="张" * 51),
    "several at once": lambda: {
        **member_data("cousin", name="张" * 51, sex="female", education="phd"),
        "id_number": wrong_check_character(id_number()),
    },
    "no name": lambda: {"id_number": id_number(), "relation": Relation.HEAD},
    # Names and dates are let through without clean() only when clean() would pass them as is.
    "name exactly at the limit": lambda: member_data(Relation.HEAD, name="张" * 50),
    "a NUL character in the name": lambda: member_data(Relation.HEAD, name="张\x00三"),
    "an empty name": lambda: {**member_data(Relation.HEAD), "name": ""},
    "a number as the name": lambda: {**member_data(Relation.HEAD), "name": 12345},
    "a date and time as the birth date": lambda: {
        **member_data(Relation.HEAD),
        "id_type": "other",
        "id_number": "A1234567",
        "birth_date": dt.datetime(1980, 1, 1, 8, 30),
    },
}

INCOME_CASES = {
    "valid": lambda: {
        "year": 2016,
        "household_size": 3,
        "wage_income": Decimal("6000.00"),
        "production_income": Decimal("1500.00"),
        "production_cost": Decimal("300.00"),
    },
    "negative amount": lambda: {
        "year": 2016,
        "household_size": 3,
        "wage_income": Decimal("-1.00"),
    },
    "negative cost": lambda: {
        "year": 2016,
        "household_size": 3,
        "production_cost": Decimal("-0.01"),
    },
    "too many digits": lambda: {
        "year": 2016,
        "household_size": 3,
        "transfer_income": Decimal("12345678901.00"),
    },
    "year out of range": lambda: {"year": 1979, "household_size": 3},
    "household size zero": lambda: {"year": 2016, "household_size": 0},
    "no household size": lambda: {"year": 2016},
}

# The field each bad case must at least report, so that "both say nothing" cannot pass.
EXPECTED_FIELDS = {
    (Member, "bad check character"): {"id_number"},
    (Member, "sex contradicts the ID number"): {"sex"},
    (Member, "birth date contradicts the ID number"): {"birth_date"},
    (Member, "relation not in the choices"): {"relation"},
    (Member, "education not in the choices"): {"education"},
    (Member, "sex not in the choices"): {"sex"},
    (Member, "migrant_months over 12"): {"migrant_months"},
    (Member, "migrant_months over 12 without migrant work"): {"migrant_months"},
    (Member, "name too long"): {"name"},
    (Member, "several at once"): {"id_number", "relation", "name", "education"},
    (Member, "no name"): {"name"},
    (Member, "an empty name"): {"name"},
    (Income, "negative amount"): {"wage_income"},
    (Income, "negative cost"): {"production_cost"},
    (Income, "too many digits"): {"transfer_income"},
    (Income, "year out of range"): {"year"},
    (Income, "household size zero"): {"household_size"},
    (Income, "no household size"): {"household_size"},
}


def cases():
    return [
        pytest.param(model, name, build, id=f"{model.__name__}: {name}")
        for model, model_cases in ((Member, MEMBER_CASES), (Income, INCOME_CASES))
        for name, build in model_cases.items()
    ]


@pytest.mark.parametrize(("model", "name", "build"), cases())
def test_row_maker_gives_the_errors_full_clean_gives(model, name, build):
    values = build()
    expected_instance, expected = full_clean_errors(model, dict(values))
    instance, errors = maker_errors(RowMaker(model), dict(values))

    assert errors == expected
    assert set(expected) == EXPECTED_FIELDS.get((model, name), set())
    if not expected:
        # What full_clean() fills in or normalises, RowMaker does too.
        for field in ("id_number", "sex", "birth_date"):
            if hasattr(expected_instance, field):
                assert getattr(instance, field) == getattr(expected_instance, field)


def test_migrant_months_over_12_without_migrant_work_keeps_both_messages():
    values = member_data(Relation.HEAD, migrant_months=13)
    _instance, errors = maker_errors(RowMaker(Member), values)
    assert len(errors["migrant_months"]) == 2
    assert "未外出务工的成员务工时间应为 0。" in errors["migrant_months"]


@pytest.mark.parametrize(
    ("model", "name", "build"),
    cases(),
)
def test_a_maker_that_has_seen_every_case_still_gives_full_clean_errors(model, name, build):
    """The same cases through one maker that has already cached the verdicts of all the others."""
    maker = RowMaker(model)
    cases = MEMBER_CASES if model is Member else INCOME_CASES
    for other in cases.values():
        maker.make(**other())
    values = build()
    _expected_instance, expected = full_clean_errors(model, dict(values))
    assert maker_errors(maker, dict(values))[1] == expected


def test_a_field_error_and_a_model_error_on_one_field_are_each_reported_once():
    """sex="m": not a choice (the field's error) and not the ID number's sex (clean()'s)."""
    values = member_data(Relation.HEAD, male=True, sex="m")
    _expected_instance, expected = full_clean_errors(Member, dict(values))
    assert expected == {"sex": ["值 'm' 不是有效选项。", "性别与证件号码不符：号码显示为男。"]}
    assert maker_errors(RowMaker(Member), dict(values))[1] == expected


def test_the_model_clean_does_not_change_a_cached_verdict():
    maker = RowMaker(Member)
    too_many = ["确保该值小于或等于12。"]
    not_migrant = ["未外出务工的成员务工时间应为 0。"]
    # 13 months without migrant work: the field's maximum and clean()'s rule.
    first = maker_errors(maker, member_data(Relation.HEAD, migrant_months=13))[1]
    assert first == {"migrant_months": too_many + not_migrant}
    # 13 months of migrant work breaks only the field's maximum.
    second = maker_errors(
        maker,
        member_data(Relation.HEAD, migrant_work=MigrantWork.IN_COUNTY, migrant_months=13),
    )[1]
    assert second == {"migrant_months": too_many}
    # And the first row's errors, once each, on every such row.
    third = maker_errors(maker, member_data(Relation.HEAD, migrant_months=13))[1]
    assert third == first


def test_equal_decimals_of_different_precision_get_their_own_verdict():
    maker = RowMaker(Income)
    values = {"year": 2016, "household_size": 3}
    assert maker.make(**values, wage_income=Decimal("1"))[1] == {}

    _expected_instance, expected = full_clean_errors(
        Income, {**values, "wage_income": Decimal("1.000")}
    )
    assert "wage_income" in expected  # 3 decimal places, the field allows 2
    assert maker_errors(maker, {**values, "wage_income": Decimal("1.000")})[1] == expected


# --- the verdict cache --------------------------------------------------------------------------


def test_the_same_bad_value_is_reported_on_every_row():
    maker = RowMaker(Member)
    first = maker.make(**member_data(Relation.HEAD, education="phd"))[1]
    second = maker.make(**member_data(Relation.HEAD, education="phd"))[1]
    assert "education" in first
    assert ValidationError(second).message_dict == ValidationError(first).message_dict


def test_a_bad_value_does_not_leak_into_the_next_rows():
    maker = RowMaker(Member)
    assert "education" in maker.make(**member_data(Relation.HEAD, education="phd"))[1]

    instance, errors = maker.make(**member_data(Relation.HEAD, education=Education.JUNIOR))
    assert errors == {}
    assert instance.education == Education.JUNIOR
    # A row that leaves the field out is not blamed for an earlier row's value either.
    assert maker.make(**member_data(Relation.HEAD))[1] == {}
    # And the bad value is still bad after good ones.
    assert "education" in maker.make(**member_data(Relation.HEAD, education="phd"))[1]


def test_a_good_value_does_not_excuse_a_bad_row_after_it():
    maker = RowMaker(Member)
    assert maker.make(**member_data(Relation.SON))[1] == {}
    assert "relation" in maker.make(**member_data("cousin"))[1]


def test_a_full_cache_still_checks_every_value():
    maker = RowMaker(Member, limit=1)
    for education in ("phd", "mba", "phd", Education.SENIOR, "mba"):
        errors = maker.make(**member_data(Relation.HEAD, education=education))[1]
        assert ("education" in errors) is (education not in Education.values), education
    assert all(len(cache) <= 1 for cache in maker.cache.values())


def test_equal_values_of_different_types_get_their_own_verdict():
    """True == 1 and they hash alike; a CharField cleans them to "True" and "1"."""
    maker = RowMaker(Member)
    instance, errors = maker.make(**{**member_data(Relation.HEAD), "name": True})
    assert (errors, instance.name) == ({}, "True")
    instance, errors = maker.make(**{**member_data(Relation.HEAD), "name": 1})
    assert (errors, instance.name) == ({}, "1")
    instance, errors = maker.make(**{**member_data(Relation.HEAD), "name": 1.0})
    assert (errors, instance.name) == ({}, "1.0")


# --- fields left at their default ----------------------------------------------------------------


def test_a_field_left_at_an_invalid_default_is_checked():
    # name, id_number and relation have no default and may not be blank.
    maker = RowMaker(Member)
    assert {field.name for field in maker.always} == {"name", "id_number", "relation"}

    _instance, errors = maker_errors(maker, {"id_number": id_number(), "relation": Relation.HEAD})
    assert errors == {"name": [str(Member._meta.get_field("name").error_messages["blank"])]}

    _instance, errors = maker_errors(maker, {"name": "张建国", "id_number": id_number()})
    assert set(errors) == {"relation"}

    # Every row, not only the first: the default's verdict is cached too.
    _instance, errors = maker_errors(maker, {"id_number": id_number(), "relation": Relation.SON})
    assert set(errors) == {"name"}


def test_an_income_without_year_or_size_is_an_error():
    maker = RowMaker(Income)
    _instance, errors = maker_errors(maker, {})
    null = str(Income._meta.get_field("year").error_messages["null"])
    assert errors == {"year": [null], "household_size": [null]}


def test_fields_left_at_a_valid_default_are_not_errors():
    instance, errors = RowMaker(Member).make(**member_data(Relation.HEAD))
    assert errors == {}
    assert instance.ethnicity == "汉族"
    assert instance.migrant_work == MigrantWork.NONE
    assert instance.joined_on is None  # present before the registry: unknown
    assert instance.pk is None
    assert instance._state.adding


# --- cleaned values are written back -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        pytest.param(lambda n: n[:-1] + "x", lambda n: n, id="lower-case x"),
        pytest.param(legacy_15, lambda n: idnumbers.upgrade_15(legacy_15(n)), id="15 digits"),
        pytest.param(
            lambda n: f" {n[:6]}-{n[6:14]} {n[14:-1]}x ", lambda n: n, id="spaces and dashes"
        ),
        pytest.param(
            lambda n: (n[:-1] + "x").translate(
                str.maketrans("0123456789xX", "０１２３４５６７８９ｘＸ")
            ),
            lambda n: n,
            id="full-width",
        ),
    ],
)
def test_the_id_number_is_stored_normalised(given, stored):
    number = id_number_ending_in_x()
    raw = given(number)
    assert raw != number

    instance, errors = RowMaker(Member).make(**{**member_data(Relation.HEAD), "id_number": raw})
    assert errors == {}
    assert instance.id_number == stored(number) == number
    # The sex and birth date are filled in from the number, as Member.clean() does.
    parsed = idnumbers.parse(number)
    assert instance.sex == parsed.sex
    assert instance.birth_date == parsed.birth_date


def test_a_15_digit_number_is_upgraded_to_18():
    number = id_number(birth=dt.date(1975, 6, 30), male=False)
    parsed = idnumbers.parse(number)
    instance, errors = RowMaker(Member).make(
        **{**member_data(Relation.HEAD), "id_number": legacy_15(number)}
    )
    assert errors == {}
    assert len(instance.id_number) == 18
    assert instance.id_number == number
    assert instance.birth_date == parsed.birth_date
    assert instance.birth_date.year == 1975
    assert instance.sex == "female"


def test_an_other_id_type_is_only_normalised():
    instance, errors = RowMaker(Member).make(
        name="张建国", id_type=IdType.OTHER, id_number=" ab-12 ３ ", relation=Relation.HEAD
    )
    assert errors == {}
    assert instance.id_number == "AB123"
    assert instance.sex == ""


def test_field_cleaning_is_written_back():
    instance, errors = RowMaker(Member).make(
        **member_data(Relation.HEAD, birth_date=None),
        migrant_work=MigrantWork.IN_PROVINCE,
        migrant_months="7",
    )
    assert errors == {}
    assert instance.migrant_months == 7

    number = id_number(birth=dt.date(1968, 2, 29))
    birth = idnumbers.parse(number).birth_date
    instance, errors = RowMaker(Member).make(
        **{**member_data(Relation.HEAD), "id_number": number}, birth_date=birth.isoformat()
    )
    assert errors == {}
    assert instance.birth_date == birth

    instance, errors = RowMaker(Income).make(year="2016", household_size="3", wage_income="12.5")
    assert errors == {}
    assert (instance.year, instance.household_size) == (2016, 3)
    assert instance.wage_income == Decimal("12.5")
    assert isinstance(instance.wage_income, Decimal)


# --- copy_insert and copy_rows -----------------------------------------------------------------


@pytest.mark.django_db
def test_copy_insert_gives_primary_keys_and_stores_the_rows(households):
    household = households["A"]
    before = Member.objects.count()
    maker = RowMaker(Member)
    made = [
        maker.make(
            household_id=household.pk,
            **member_data(relation, male=male, name=name, education=Education.JUNIOR),
        )
        for relation, male, name in (
            (Relation.SON, True, "张小军"),
            (Relation.GRANDSON, True, "张小明"),
            (Relation.GRANDDAUGHTER, False, "张小红"),
        )
    ]
    assert all(errors == {} for _member, errors in made)
    members = [member for member, _errors in made]

    copy_insert(Member, members)

    ids = [member.pk for member in members]
    assert all(ids) and len(set(ids)) == 3
    assert not any(member._state.adding for member in members)
    assert Member.objects.count() == before + 3
    for member in members:
        stored = Member.objects.get(pk=member.pk)
        assert stored.household_id == household.pk
        assert (stored.name, stored.id_number, stored.relation) == (
            member.name,
            member.id_number,
            member.relation,
        )
        assert (stored.sex, stored.birth_date) == (member.sex, member.birth_date)
        assert stored.education == Education.JUNIOR
        assert stored.version == 1
        assert stored.created_at is not None and stored.updated_at is not None
    assert [members[0].sex, members[2].sex] == ["male", "female"]  # filled in by clean()
    assert [m.name for m in Member.objects.filter(pk__in=ids).order_by("pk")] == [
        "张小军",
        "张小明",
        "张小红",
    ]


@pytest.mark.django_db
def test_copy_insert_takes_ids_from_the_table_sequence(households):
    household = households["A"]
    maker = RowMaker(Income)
    incomes = [
        maker.make(household_id=household.pk, year=year, household_size=3, wage_income=amount)[0]
        for year, amount in ((2016, Decimal("6000.00")), (2017, Decimal("6500.50")))
    ]
    copy_insert(Income, incomes)

    stored = {i.year: i for i in Income.objects.filter(household=household)}
    assert {year: i.pk for year, i in stored.items()} == {2016: incomes[0].pk, 2017: incomes[1].pk}
    assert stored[2017].wage_income == Decimal("6500.50")
    assert stored[2016].net_income == Decimal("6000.00")
    # A row saved afterwards gets the next id, not one of the copied ones.
    later = Income.objects.create(household=household, year=2018, household_size=3)
    assert later.pk > max(i.pk for i in incomes)


@pytest.mark.django_db
def test_copy_insert_of_nothing_does_nothing():
    before = Member.objects.count()
    with CaptureQueriesContext(connection) as queries:
        copy_insert(Member, [])
    assert len(queries) == 0
    assert Member.objects.count() == before


ODD_NAME = 'O\'Brien, "村"\t\\N'


@pytest.mark.django_db
def test_copy_rows_inserts_plain_tuples(areas):
    township = Area.objects.get(code=VILLAGE_A).parent_id
    before = Area.objects.filter(parent_id=township).count()
    copy_rows(
        Area._meta.db_table,
        ["code", "name", "level", "parent_id", "rural_population"],
        [
            (township[:9] + "202", "新村", "village", township, 1200),
            (township[:9] + "203", ODD_NAME, "village", township, None),
        ],
    )
    new = Area.objects.get(code=township[:9] + "202")
    assert (new.name, new.level, new.parent_id, new.rural_population) == (
        "新村",
        "village",
        township,
        1200,
    )
    # Quotes, a comma, a tab and COPY's own NULL marker arrive as text; None arrives as NULL.
    odd = Area.objects.get(code=township[:9] + "203")
    assert odd.name == ODD_NAME
    assert odd.rural_population is None
    assert Area.objects.filter(parent_id=township).count() == before + 2


@pytest.mark.django_db
def test_copy_rows_takes_a_generator(areas):
    county = "620623000000"
    assert Area.objects.filter(code=county).exists()
    codes = [f"62062310{n}000" for n in range(2, 5)]
    copy_rows(
        Area._meta.db_table,
        ["code", "name", "level", "parent_id"],
        ((code, f"镇{n}", "township", county) for n, code in enumerate(codes, start=2)),
    )
    assert list(
        Area.objects.filter(code__in=codes).order_by("code").values_list("name", "parent_id")
    ) == [("镇2", county), ("镇3", county), ("镇4", county)]


# --- field__any ---------------------------------------------------------------------------------


def pks(queryset) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.django_db
def test_any_finds_what_in_finds(households):
    wanted = [
        households["A"].members.get(relation=Relation.HEAD).id_number,
        households["C"].members.get(relation=Relation.SPOUSE).id_number,
        id_number(),  # no one has it
    ]
    found = pks(Member.objects.filter(id_number__any=wanted))
    assert len(found) == 2
    assert found == pks(Member.objects.filter(id_number__in=wanted))


@pytest.mark.django_db
def test_any_of_nothing_finds_nothing(households):
    with CaptureQueriesContext(connection) as queries:
        assert list(Member.objects.filter(id_number__any=[])) == []
    assert len(queries) == 0  # Django knows the answer without asking
    assert Member.objects.exclude(id_number__any=[]).count() == Member.objects.count() == 12
    assert not Member.objects.filter(id_number__any=[]).exists()


@pytest.mark.django_db
def test_any_across_a_relation(households):
    numbers = [households["A"].number, households["D"].number]
    found = pks(Member.objects.filter(household__number__any=numbers))
    assert len(found) == 6
    assert found == pks(Member.objects.filter(household__number__in=numbers))
    assert {m.household_id for m in Member.objects.filter(pk__in=found)} == {
        households["A"].pk,
        households["D"].pk,
    }


@pytest.mark.django_db
def test_any_on_a_foreign_key_attname(households):
    ids = [households["B"].pk, households["C"].pk]
    found = pks(Member.objects.filter(household_id__any=ids))
    assert len(found) == 6
    assert found == pks(Member.objects.filter(household_id__in=ids))
    # Values are prepared by the field: strings of digits find the same rows.
    assert pks(Member.objects.filter(household_id__any=[str(pk) for pk in ids])) == found


@pytest.mark.django_db
def test_any_on_the_primary_key_and_on_text_with_awkward_characters(households):
    household_pks = [h.pk for h in households.values()]
    assert pks(Household.objects.filter(pk__any=household_pks)) == sorted(household_pks)
    heads = Member.objects.filter(name__any=["张建国", 'a,"b"}', "{c}", "NULL", ""])
    assert heads.count() == 4


@pytest.mark.django_db
def test_any_sends_one_array_parameter(households):
    numbers = [m.id_number for m in Member.objects.all()] + [id_number() for _ in range(500)]
    queryset = Member.objects.filter(id_number__any=numbers)

    sql, params = queryset.query.sql_with_params()
    assert "= ANY(%s::varchar(30)[])" in sql
    assert " IN (" not in sql
    assert params == (numbers,)

    with CaptureQueriesContext(connection) as queries:
        assert queryset.count() == 12
    assert len(queries) == 1
    assert "= ANY(" in queries[0]["sql"]
    assert " IN (" not in queries[0]["sql"]

    # __in, for comparison, sends a placeholder per value.
    in_sql, in_params = Member.objects.filter(id_number__in=numbers).query.sql_with_params()
    assert len(in_params) == len(numbers)
    assert "= ANY(" not in in_sql


@pytest.mark.django_db
def test_any_across_a_relation_sends_one_array_parameter(households):
    numbers = [h.number for h in households.values()]
    sql, params = Member.objects.filter(household__number__any=numbers).query.sql_with_params()
    assert "= ANY(%s::varchar(32)[])" in sql
    assert params == (numbers,)
    sql, params = Member.objects.filter(household_id__any=[1, 2, 3]).query.sql_with_params()
    assert '"household_id" = ANY(%s::bigint[])' in sql
    assert params == ([1, 2, 3],)


@pytest.mark.django_db
def test_any_compares_with_the_columns_type(households):
    """Small numbers travel as smallint[]: compared with a bigint column, PostgreSQL neither
    hashed nor indexed the array and scanned it for every row (20 s for 20,000 households'
    members out of 500,000). The array is cast to the column's type."""
    ids = [h.pk for h in households.values()]
    with connection.cursor() as cursor:
        sql, params = (
            Member.objects.filter(household_id__any=ids).values("id").query.sql_with_params()
        )
        cursor.execute("EXPLAIN (VERBOSE) " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "::bigint[]" in plan and "smallint[]" not in plan


@pytest.mark.django_db
def test_any_on_a_relation_with_primary_keys(households):
    ids = [households["A"].pk, households["B"].pk]
    found = pks(Member.objects.filter(household__any=ids))
    assert len(found) == 6
    assert found == pks(Member.objects.filter(household__in=ids))


@pytest.mark.django_db
def test_any_on_a_relation_with_instances(households):
    wanted = [households["A"], households["B"]]
    found = pks(Member.objects.filter(household__any=wanted))
    assert found == pks(Member.objects.filter(household__in=wanted))


def test_a_frozen_row_thaws_into_the_same_instance():
    maker = RowMaker(Member)
    member, errors = maker.make(**member_data(Relation.HEAD))
    assert errors == {}
    frozen = maker.freeze(member)
    assert isinstance(frozen, tuple) and frozen.id_number == member.id_number
    thawed = maker.thaw(frozen)
    assert thawed is not member and thawed._state.adding
    assert {f.attname: getattr(thawed, f.attname) for f in Member._meta.concrete_fields} == {
        f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields
    }


@pytest.mark.django_db
def test_any_ignores_none_as_in_does(households):
    number = households["A"].number
    assert pks(Household.objects.filter(number__any=[number, None])) == [households["A"].pk]
    # NOT (number = ANY('{…,NULL}')) would be NULL for every other row, and exclude them all.
    assert pks(Household.objects.exclude(number__any=[number, None])) == pks(
        Household.objects.exclude(number__in=[number, None])
    )
    assert Household.objects.exclude(number__any=[number, None]).count() == 3
