"""A synthetic county for the demo and the benchmarks: realistic names, valid ID numbers,
incomes around the poverty line, every status. Deterministic for a given seed.

Rows are written in bulk (the demo must also build a province-sized data set for benchmarks),
with their history as one "create" record each, in batches, like any other bulk change.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy

from core import history, idnumbers
from core.areas import areas_load
from core.choices import ChangeAction
from core.models import Area

from . import figures, selectors
from .choices import (
    Education,
    HouseholdStatus,
    LabourSkill,
    LineBasis,
    MigrantWork,
    MonitoringCategory,
    Relation,
    RemovalReason,
)
from .models import Household, Income, Member, PovertyLine

DEMO_SOURCE = gettext_lazy("演示数据")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国华明军伟芳秀英兰霞玉珍桂花春生福海平国文德才志强永红梅丽娟忠林顺发成兴旺宝山青云"
TIBETAN_NAMES = [
    "卓玛",
    "扎西",
    "才让",
    "拉毛",
    "多杰",
    "措吉",
    "旦增",
    "索南",
    "桑吉",
    "央金",
    "更登",
    "完德",
]
PLACE = "红星南阳石门大庄上寨下河东坪西滩松山朵什岔口马场柳树沙沟黑马圈古城新堡水磨柏林旦马"
COUNTIES = [("620623", "天祝藏族自治县"), ("620622", "古浪县"), ("620621", "民勤县")]
CAUSE_WEIGHTS = {
    "illness": 25,
    "lack_capital": 20,
    "lack_skills": 15,
    "lack_labour": 10,
    "disability": 8,
    "schooling": 7,
    "poor_transport": 5,
    "lack_water": 4,
    "lack_land": 3,
    "disaster": 2,
    "low_motivation": 1,
}


def build_areas(*, counties: int, townships: int, villages: int) -> list[str]:
    """Province, city, counties, townships (镇 codes 100+) and villages (村委会 codes 200+)."""
    rows = [{"code": "62", "name": "甘肃省"}, {"code": "6206", "name": "武威市"}]
    village_codes = []
    for county_code, county_name in COUNTIES[:counties]:
        rows.append({"code": county_code, "name": county_name})
        for t in range(townships):
            township = f"{county_code}{100 + t:03d}"
            rows.append(
                {
                    "code": township,
                    "name": PLACE[t % len(PLACE)] + PLACE[(t * 7 + 3) % len(PLACE)] + "镇",
                }
            )
            for v in range(villages):
                code = f"{township}{200 + v:03d}"
                name = PLACE[(t + v) % len(PLACE)] + PLACE[(v * 5 + t + 1) % len(PLACE)] + "村"
                rows.append(
                    {"code": code, "name": name, "rural_population": str(1200 + (v * 37) % 900)}
                )
                village_codes.append(code.ljust(12, "0"))
    result = areas_load(rows)
    if result.errors:
        raise ValueError(result.errors)
    return village_codes


class PeopleFactory:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sequences: dict[str, int] = {}

    def id_number(self, address: str, birth: dt.date, male: bool) -> str:
        key = address + birth.strftime("%Y%m%d")
        seq = self.sequences.get(key, 0)
        while (seq % 2 == 1) != male:
            seq += 1
        self.sequences[key] = seq + 1
        first17 = f"{key}{seq % 1000:03d}"
        return first17 + idnumbers.check_character(first17)

    def person(
        self, *, address: str, surname: str, age: int, male: bool, tibetan: bool, today: dt.date
    ):
        rng = self.rng
        birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        name = surname + rng.choice(GIVEN) + ("" if rng.random() < 0.3 else rng.choice(GIVEN))
        if tibetan:
            name = rng.choice(TIBETAN_NAMES)
        return {
            "name": name,
            "id_number": self.id_number(address, birth, male),
            "sex": "male" if male else "female",
            "birth_date": birth,
            "ethnicity": "藏族"
            if tibetan
            else rng.choices(["汉族", "土族", "回族"], [94, 4, 2])[0],
        }


def _member_fields(rng, person: dict, relation: str, age: int) -> dict:
    if age < 6:
        education, school, skill = (
            Education.PRESCHOOL,
            "preschool" if age >= 3 else "none",
            LabourSkill.NONE,
        )
    elif age < 16:
        education, school, skill = (
            Education.PRIMARY,
            "primary" if age < 13 else "grade_8",
            LabourSkill.NONE,
        )
    else:
        education = rng.choices(
            [
                Education.ILLITERATE,
                Education.PRIMARY,
                Education.JUNIOR,
                Education.SENIOR,
                Education.COLLEGE,
            ],
            [15, 35, 35, 10, 5],
        )[0]
        school = "none"
        skill = (
            LabourSkill.LOST
            if age > 70
            else rng.choices(
                [LabourSkill.ORDINARY, LabourSkill.SKILLED, LabourSkill.LOST], [75, 15, 10]
            )[0]
        )
    migrant = MigrantWork.NONE
    months = 0
    if (
        skill in (LabourSkill.ORDINARY, LabourSkill.SKILLED)
        and 18 <= age <= 55
        and rng.random() < 0.35
    ):
        migrant = rng.choice(
            [MigrantWork.IN_COUNTY, MigrantWork.IN_PROVINCE, MigrantWork.OUT_OF_PROVINCE]
        )
        months = rng.randint(3, 11)
    chronic = rng.random() < 0.12
    serious = rng.random() < 0.04
    disabled = rng.random() < 0.05
    return {
        **person,
        "relation": relation,
        "education": education,
        "school_status": school,
        "labour_skill": skill,
        "migrant_work": migrant,
        "migrant_months": months,
        "chronic_illness": chronic,
        "serious_illness": serious,
        "disabled": disabled,
        "disability_certificate": f"{person['id_number']}{rng.randint(11, 44)}" if disabled else "",
        "medical_insurance": rng.random() < 0.98,
        "critical_illness_insurance": rng.random() < 0.9,
        "pension_insurance": age >= 16 and rng.random() < 0.8,
    }


def generate_family(rng, people: PeopleFactory, address: str, today: dt.date) -> list[dict]:
    tibetan = address.startswith("620623") and rng.random() < 0.3
    surname = rng.choice(SURNAMES)
    head_age = rng.randint(30, 78)
    head_male = rng.random() < 0.88
    members = [
        _member_fields(
            rng,
            people.person(
                address=address,
                surname=surname,
                age=head_age,
                male=head_male,
                tibetan=tibetan,
                today=today,
            ),
            Relation.HEAD,
            head_age,
        )
    ]
    if rng.random() < 0.85:
        age = max(20, head_age + rng.randint(-5, 3))
        spouse = people.person(
            address=address,
            surname=rng.choice(SURNAMES),
            age=age,
            male=not head_male,
            tibetan=tibetan,
            today=today,
        )
        members.append(_member_fields(rng, spouse, Relation.SPOUSE, age))
    for _child in range(rng.choices([0, 1, 2, 3, 4], [8, 22, 40, 22, 8])[0]):
        age = max(0, head_age - rng.randint(20, 32))
        male = rng.random() < 0.52
        child = people.person(
            address=address, surname=surname, age=age, male=male, tibetan=tibetan, today=today
        )
        members.append(_member_fields(rng, child, Relation.SON if male else Relation.DAUGHTER, age))
    if head_age < 55 and rng.random() < 0.4:
        age = head_age + rng.randint(22, 30)
        male = rng.random() < 0.4
        elder = people.person(
            address=address,
            surname=surname if male else rng.choice(SURNAMES),
            age=age,
            male=male,
            tibetan=tibetan,
            today=today,
        )
        members.append(
            _member_fields(rng, elder, Relation.FATHER if male else Relation.MOTHER, age)
        )
    return members


def _household_fields(rng, *, number: str, village: str, size: int, members: list[dict]) -> dict:
    status = rng.choices(list(HouseholdStatus), [5, 35, 55, 5])[0]
    first_year = rng.randint(2014, 2017)
    fields = {
        "number": number,
        "village_id": village,
        "group": f"{rng.randint(1, 8)}组",
        "head_name": members[0]["name"],
        "size": size,
        "phone": f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}",
        "bank_name": rng.choice(["农村信用社", "中国农业银行", "中国邮政储蓄银行"]),
        "bank_account": f"622{rng.randint(0, 10**15 - 1):016d}",
        "standard": "national",
        "attribute_id": rng.choices(["general", "dibao", "tekun"], [80, 15, 5])[0],
        "main_cause_id": rng.choices(list(CAUSE_WEIGHTS), list(CAUSE_WEIGHTS.values()))[0],
        "first_identified_year": first_year,
        "planned_exit_year": rng.randint(max(first_year, 2016), 2020),
        "status": status,
        "monitoring_category": MonitoringCategory.NONE,
        "housing_area": Decimal(rng.randint(40, 140)),
        "housing_safety": rng.choices(["safe", "grade_c", "grade_d"], [85, 10, 5])[0],
        "safe_drinking_water": rng.random() < 0.95,
        "electricity": True,
        "broadcast_tv": rng.random() < 0.9,
        "sanitary_toilet": rng.random() < 0.6,
        "cultivated_land_area": Decimal(rng.randint(2, 40)),
        "road_distance_km": Decimal(rng.randint(0, 80)) / 10,
    }
    if status == HouseholdStatus.APPLICANT:
        fields.update(first_identified_year=None, planned_exit_year=None)
    if status == HouseholdStatus.EXITED:
        fields["exit_year"] = rng.randint(max(first_year, 2016), 2020)
        fields["monitoring_category"] = rng.choices(
            [MonitoringCategory.NONE, MonitoringCategory.UNSTABLE, MonitoringCategory.SUDDEN],
            [90, 8, 2],
        )[0]
    if status == HouseholdStatus.REMOVED:
        fields["removal_reason"] = rng.choice(list(RemovalReason))
    if status == HouseholdStatus.APPLICANT and rng.random() < 0.3:
        fields["monitoring_category"] = MonitoringCategory.MARGINAL
    return fields


# How many households of a status have this year's income entered: half the applicants (still
# being checked), and not quite every registered household (the village is still collecting:
# the home page and the nightly re-check name them).
INCOME_ENTERED = {HouseholdStatus.APPLICANT: 0.5, HouseholdStatus.REGISTERED: 0.95}


def _income_fields(rng, *, line: Decimal, size: int, status: str) -> dict:
    factor = {"registered": 0.85, "applicant": 0.9, "exited": 1.35, "removed": 1.6}[status]
    per_capita = Decimal(line) * Decimal(str(max(0.3, rng.gauss(factor, 0.22))))
    net = (per_capita * size).quantize(Decimal("1"))
    cost = (net * Decimal("0.1")).quantize(Decimal("1"))
    gross = net + cost
    wage = (gross * Decimal("0.5")).quantize(Decimal("1"))
    production = (gross * Decimal("0.25")).quantize(Decimal("1"))
    transfer = (gross * Decimal("0.2")).quantize(Decimal("1"))
    return {
        "wage_income": wage,
        "production_income": production,
        "transfer_income": transfer,
        "property_income": gross - wage - production - transfer,
        "production_cost": cost,
        "household_size": size,
    }


def _demo_line(year: int) -> PovertyLine:
    """The demo collects this year's incomes, which need this year's line. Lines after 2021 are
    provincial data the reference fixtures do not hold; the demo enters the last known one
    again, saying it is not a real standard."""
    known = PovertyLine.objects.filter(year__lte=year).order_by("-year").first()
    if known is None or known.year == year:
        return known or PovertyLine.objects.create(
            year=year, amount=Decimal("4000"), basis=LineBasis.NATIONAL, note="演示数据，非正式标准"
        )
    return PovertyLine.objects.create(
        year=year,
        amount=known.amount,
        basis=known.basis,
        monitoring_threshold=known.monitoring_threshold,
        note=f"演示数据：沿用 {known.year} 年度标准，非正式标准",
    )


def seed(
    *,
    households: int,
    counties: int = 1,
    townships: int = 4,
    villages: int = 5,
    seed: int = 2016,
    with_history: bool = True,
    batch_size: int = 2000,
    progress=None,
) -> list[str]:
    """Build areas and `households` households spread over the villages; returns village codes."""
    rng = random.Random(seed)
    people = PeopleFactory(rng)
    # Incomes for the year the registry is collecting, ages as at the end of that year.
    income_year = selectors.current_income_year()
    today = dt.date(income_year, 12, 31)
    village_codes = build_areas(counties=counties, townships=townships, villages=villages)
    line = _demo_line(income_year).amount
    start = Household.objects.count()
    done = 0
    while done < households:
        chunk = min(batch_size, households - done)
        with transaction.atomic():
            families, rows = [], []
            for i in range(chunk):
                village = village_codes[(start + done + i) % len(village_codes)]
                members = generate_family(rng, people, village[:6], today)
                families.append(members)
                number = f"{village}{start + done + i + 1:07d}"
                rows.append(
                    Household(
                        **_household_fields(
                            rng, number=number, village=village, size=len(members), members=members
                        )
                    )
                )
            Household.objects.bulk_create(rows)
            member_rows = [
                Member(
                    household=household,
                    joined_on=max(dt.date(2015, 1, 1), data["birth_date"]),
                    **data,
                )
                for household, family in zip(rows, families, strict=True)
                for data in family
            ]
            Member.objects.bulk_create(member_rows, batch_size=5000)
            income_rows = [
                Income(
                    household=h,
                    year=income_year,
                    **_income_fields(rng, line=line, size=h.size, status=h.status),
                )
                for h in rows
                if rng.random() < INCOME_ENTERED.get(h.status, 1)
            ]
            Income.objects.bulk_create(income_rows, batch_size=5000)
            if with_history:
                history.record_many(
                    [
                        (obj, ChangeAction.CREATE, history.snapshot_fields(obj))
                        for obj in [*rows, *member_rows, *income_rows]
                    ],
                    actor=None,
                    source=str(DEMO_SOURCE),
                )
        done += chunk
        if progress:
            progress(done)
    if not with_history:  # no history told the kept figures of these rows
        figures.recount(village_codes)
    return village_codes


# What other apps add to the demo county once its households and users exist: the registry
# imports no app above it, so they register a function here from their AppConfig.ready().
# Each is called with a `say(text)` and decides for itself whether it has run already.
DEMO_EXTRAS: list = []


def demo_extra(seeder):
    DEMO_EXTRAS.append(seeder)
    return seeder


def first_areas() -> dict[str, Area]:
    village = Area.objects.filter(level="village").order_by("code").first()
    return {
        "village": village,
        "second_village": Area.objects.filter(level="village")
        .exclude(pk=village.pk)
        .order_by("code")
        .first(),
        "township": village.parent,
        "county": village.parent.parent,
    }
