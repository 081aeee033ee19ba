"""The demo county's exits: the four who sign a household's exit in the first village, and
assessments left at several stages (being checked, half signed, noticed and waiting for the
last signature, exited, sent back), so that a newcomer sees the 4342 chain at once."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.models import Area, Post, Role
from core.posts import post_grant
from identification.demo import applicant_households, backdated, photo
from identification.services import notices as board
from registry import selectors as registry_selectors
from registry.choices import HouseholdStatus, HousingSafety
from registry.demo import demo_extra
from registry.models import Household
from registry.services import (
    household_status_set,
    household_update,
    member_update,
)

from .models import Assessment
from .services import assessments, signatures
from .services.notices import exit_notice_publish

DEMO_PASSWORD = "demo-2026"
SIGNERS = [
    ("demo_helper", "helper", "李正海"),
    ("demo_secretary", "village_secretary", "杨德福"),
    ("demo_team", "work_team_leader", "陈立新"),
    ("demo_liaison", "township_liaison", "赵文斌"),
]
# Where each demo assessment is left: how many signatures, noticed or not.
STAGES = ["draft", "half_signed", "noticed", "exited", "returned"]


def _signers(village: Area) -> list:
    users = []
    for number, (username, role, name) in enumerate(SIGNERS, start=1):
        post = post_grant(
            username=username,
            role=role,
            area_code=village.code,
            password=DEMO_PASSWORD,
            phone=f"1390935{number:04d}",
        )
        get_user_model().objects.filter(pk=post.user_id).update(first_name=name)
        post.user.refresh_from_db()
        users.append(post.user)
    return users


def _registered(cadre, county_office, village: Area, year: int, count: int) -> list[Household]:
    """Households of the village identified last year (the demo's history ends in 2020, when
    the county's poor had all exited), registered as the 12345 procedure would have."""
    households = applicant_households(
        cadre, village, year, count, random.Random(4342), ratio=(1.4, 2.2)
    )
    for household in households:
        household_status_set(
            actor=county_office,
            household=household,
            to=HouseholdStatus.REGISTERED,
            year=year - 1,
            source=_("演示数据：%(year)s 年度识别纳入") % {"year": year - 1},
        )
    return households


def _ready(cadre, household: Household, year: int) -> None:
    """Make the household meet the standard in the registry, as a cadre's corrections would."""
    household.refresh_from_db()
    household_update(
        actor=cadre,
        household=household,
        version=household.version,
        data={
            "housing_safety": HousingSafety.SAFE,
            "safe_drinking_water": True,
            "electricity": True,
            "planned_exit_year": year,
        },
    )
    school_year = dt.date(year, 9, 1)
    for member in household.members.live():
        data = {} if member.medical_insurance else {"medical_insurance": True}
        age = assessments.age(member.birth_date, school_year) if member.birth_date else None
        if age in assessments.SCHOOL_AGES and member.school_status not in assessments.IN_SCHOOL:
            data["school_status"] = "primary" if age < 12 else "grade_7"
        if data:
            member_update(actor=cadre, member=member, version=member.version, data=data)


def _sign(user, assessment, **more):
    assessment.refresh_from_db()
    return signatures.assessment_sign(
        actor=user, assessment=assessment, version=assessment.version, affirmed=True, **more
    )


def seed_exits() -> int:
    """Returns how many assessments it left, 0 when there were some already."""
    village = Area.objects.filter(level="village").order_by("code").first()
    cadre_post = Post.objects.filter(role_id="village_cadre", area=village).first()
    if village is None or cadre_post is None or Assessment.objects.exists():
        return 0
    cadre = cadre_post.user
    year = registry_selectors.current_income_year()
    if year not in registry_selectors.poverty_lines():
        return 0
    county_post = Post.objects.filter(role_id="county_office", area=village.parent.parent).first()
    if county_post is None:
        return 0
    helper, secretary, leader, liaison = _signers(village)
    households = _registered(cadre, county_post.user, village, year, len(STAGES) + 1)
    started = {}
    for stage, household in zip(STAGES, households, strict=False):
        _ready(cadre, household, year)
        assessment = assessments.assessment_start(actor=cadre, household=household, year=year)
        if stage != "draft":
            food = assessment.items.get(code="food_clothing")
            assessments.item_enter(
                actor=cadre,
                item=food,
                version=assessment.version,
                passed=True,
                note=_("入户查看：存粮充足，四季衣被齐全。"),
                files=[photo("入户照片.png")],
            )
            assessment.refresh_from_db()
            assessments.assessment_submit(
                actor=cadre, assessment=assessment, version=assessment.version
            )
        started[stage] = assessment
    # The last one stays on the list as planned, but not yet meeting the standard.
    last = households[-1]
    last.refresh_from_db()
    household_update(
        actor=cadre, household=last, version=last.version, data={"planned_exit_year": year}
    )
    for stage in ("half_signed", "noticed", "exited"):
        _sign(helper, started[stage])
        _sign(secretary, started[stage])
    for stage in ("noticed", "exited"):
        _sign(leader, started[stage])
    notice = exit_notice_publish(
        actor=cadre,
        village_code=village.code,
        year=year,
        assessments=[started["noticed"].pk, started["exited"].pk],
        where_to_object=_("村委会 0935-3120001"),
    )
    backdated(notice, (notice.ends_on - notice.starts_on).days + 3)
    notice.refresh_from_db()
    board.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    _sign(liaison, started["exited"])
    _sign(helper, started["returned"])
    _sign(
        secretary,
        started["returned"],
        refuse=True,
        reason=_("该户长子去年分户后仍在本户居住，收入是否分开须再核实。"),
    )
    return len(started)


@demo_extra
def seed_verification(say) -> None:
    count = seed_exits()
    if not count:
        say(_("已有退出验收，或演示村条件不足，跳过。"))
        return
    say(_("已生成 %(n)d 个退出验收，分布在核查、签字、公示、已退出和退回各阶段。") % {"n": count})
    say(_("退出签字账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
    roles = dict(Role.objects.values_list("code", "name"))
    for username, role, name in SIGNERS:
        say(f"  {username:<14} {name}  {roles.get(role, role)}")
