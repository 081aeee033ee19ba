"""The demo county's identification: a 低保 list as civil affairs would send it, so that the
county office finds something in both directions when it tries the cross-match; and
applications of the 12345 procedure left at every step, each done by the demo's own posts, so
that a newcomer sees the procedure at once."""

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core import idnumbers
from core.choices import RoleCode
from core.models import Area, Post
from registry import selectors as registry_selectors
from registry.choices import HouseholdStatus, Relation
from registry.demo import PeopleFactory, demo_extra, generate_family
from registry.models import Household, Member
from registry.services import household_register, income_record

from .choices import (
    ApplicationKind,
    ComplaintConcern,
    Condition,
    NoticeLevel,
    ObjectionChannel,
    Outcome,
    Step,
)
from .models import Application, Complaint, Roster, RosterEntry
from .services import complaints, cross_match, notices, procedure, recheck

OUTSIDERS = ["孙德明", "马秀兰", "杨建华", "丁玉梅", "何永福"]


def seed_rosters() -> Roster | None:
    """A 低保 roster for the first county: the heads of most families marked 低保贫困户, the
    heads of a few registered families that are not, one head under another name, and a few
    people in no household. Returns it, or None without a county."""
    county = Area.objects.filter(level="county").order_by("code").first()
    if county is None:
        return None
    heads = (
        Member.objects.live()
        .filter(relation=Relation.HEAD, household__village__code__startswith=county.code[:6])
        .filter(household__status=HouseholdStatus.REGISTERED)
        .order_by("household_id")
        .values_list("id_number", "name", "household__attribute_id")
    )
    marked = [(number, name) for number, name, attribute in heads if attribute == "dibao"]
    unmarked = [(number, name) for number, name, attribute in heads if attribute != "dibao"]
    listed = marked[: max(1, len(marked) * 4 // 5)] + unmarked[:3]
    if listed:
        number, name = listed[0]
        listed[0] = (number, name[:1] + "某")  # a name the roster spells differently
    for serial, name in enumerate(OUTSIDERS, start=1):
        first17 = f"{county.code[:6]}19700101{serial * 2:03d}"
        listed.append((first17 + idnumbers.check_character(first17), name))
    roster = Roster.objects.create(
        type_id="dibao",
        area=county,
        as_of=timezone.localdate() - dt.timedelta(days=30),
        heads_only=True,
        file_name="演示低保名单.xlsx",
        entry_count=len(listed),
    )
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=roster, row=row, id_number=number, name=name, people=3)
        for row, (number, name) in enumerate(listed, start=2)
    )
    return roster


# --- the 12345 procedure ----------------------------------------------------------------------

# Where the demo leaves its applications: one at every step a newcomer should see, two where a
# step is about several (the ranking, the village notice, one of them objected to).
DEMO_STEPS = [
    Step.INCOME_CHECK,
    Step.CONDITIONS_CHECK,
    Step.RANKING,
    Step.RANKING,
    Step.GROUP_REVIEW,
    Step.COMMITTEE_REVIEW,
    Step.CROSS_MATCH,
    Step.ASSEMBLY_VOTE,
    Step.VILLAGE_NOTICE,
    Step.VILLAGE_NOTICE,
    Step.TOWNSHIP_REVIEW,
    Step.TOWNSHIP_NOTICE,
    Step.COUNTY_REVIEW,
    Step.COUNTY_ANNOUNCEMENT,
    Step.DONE,
    Step.REJECTED,
]
REASONS = ["因病致贫，缺劳动力", "因残致贫", "因学致贫", "缺资金、缺技术", "因灾返贫"]


def passing_data(step: str, today: dt.date) -> dict | None:
    """What a step that passes records in the demo (and the tests)."""
    meeting = {"held_on": today.isoformat(), "present": 12}
    return {
        Step.CONDITIONS_CHECK: {code: Condition.MET for code in procedure.CONDITIONS}
        | {"housing": Condition.NOT_MET, "remarks": {"housing": "土坯房，墙体开裂"}},
        Step.GROUP_REVIEW: meeting,
        Step.COMMITTEE_REVIEW: meeting,
        Step.ASSEMBLY_VOTE: {
            "held_on": today.isoformat(),
            "representatives": 30,
            "present": 24,
            "in_favour": 21,
            "against": 2,
            "abstained": 1,
            "read_out": True,
        },
    }.get(step)


def photo(name: str = "入户照片.png") -> ContentFile:
    """A small real PNG (a grey-green field under a sky) standing in for a photo taken on a
    visit: the 二看 passes only with one."""
    width, height = 160, 120
    sky, field = b"\x9c\xc3\xe6", b"\x7a\x9a\x5c"
    rows = b"".join(b"\x00" + (sky if y < height // 2 else field) * width for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return ContentFile(png, name=name)


def passing_files(step: str) -> list:
    return [photo()] if procedure.PROCEDURE[step].photos else []


def advance(application: Application, until: str, *, village, township=None, county=None):
    """Do each step with passing data, as the post it needs, until the application waits at
    `until` (a notice step is left to its notice; the ranking ranks the village's waiting)."""
    by = {Step.TOWNSHIP_REVIEW: township, Step.COUNTY_REVIEW: county}
    today = timezone.localdate()
    application.refresh_from_db()
    while application.step != until:
        if application.step == Step.RANKING:
            procedure.ranking_confirm(
                actor=village, village_code=application.village_id, year=application.year
            )
        else:
            procedure.application_step(
                actor=by.get(application.step) or village,
                application=application,
                version=application.version,
                outcome=Outcome.PASSED,
                data=passing_data(application.step, today),
                files=passing_files(application.step),
            )
        application.refresh_from_db()
    return application


def _post_holder(role: str, area: Area):
    post = Post.objects.filter(role_id=role, area=area).select_related("user").first()
    return post.user if post else None


def applicant_households(
    cadre, village: Area, year: int, count: int, rng, ratio=(0.45, 0.9)
) -> list[Household]:
    """New applicant households of the village, each with this year's per-capita income a
    `ratio` of the line (below it, unless told)."""
    people = PeopleFactory(rng)
    line = registry_selectors.poverty_lines()[year].amount
    households, serial = [], Household.objects.filter(village=village).count()
    while len(households) < count:
        serial += 1
        members = generate_family(rng, people, village.code[:6], dt.date(year, 12, 31))
        try:
            household = household_register(
                actor=cadre,
                village=village,
                members=members,
                number=f"{village.code}9{serial:06d}",
                group=f"{rng.randint(1, 6)}组",
            )
        except ValidationError:
            continue  # an ID number the county's demo already gave someone
        per_capita = line * Decimal(str(rng.uniform(*ratio)))
        income_record(
            actor=cadre,
            household=household,
            year=year,
            data={"wage_income": (per_capita * household.size).quantize(Decimal("1"))},
        )
        households.append(household)
    return households


def backdated(notice, days: int):
    """A notice posted `days` ago: the demo's earlier notices have run their period."""
    shift = dt.timedelta(days=days)
    type(notice).objects.filter(pk=notice.pk).update(
        starts_on=notice.starts_on - shift, ends_on=notice.ends_on - shift
    )


def seed_applications(seed: int = 12345) -> int:
    """Applications in the first village at every step of the procedure, each step done by
    the demo's own village cadre, township and county offices. Returns how many."""
    areas = Area.objects.filter(level="village").order_by("code")
    village = areas.first()
    if village is None or Application.objects.exists():
        return 0
    township, county = village.parent, village.parent.parent
    cadre = _post_holder(RoleCode.VILLAGE_CADRE, village)
    township_office = _post_holder(RoleCode.TOWNSHIP_OFFICE, township)
    county_office = _post_holder(RoleCode.COUNTY_OFFICE, county)
    if not (cadre and township_office and county_office):
        return 0
    rng = random.Random(seed)
    year = registry_selectors.current_income_year()
    households = applicant_households(cadre, village, year, len(DEMO_STEPS), rng)
    target = {}
    for household, step in zip(households, DEMO_STEPS, strict=True):
        application = procedure.application_open(
            actor=cadre,
            household=household,
            kind=ApplicationKind.ENTRY,
            year=year,
            reason=rng.choice(REASONS),
        )
        target[application] = step
    offices = {"village": cadre, "township": township_office, "county": county_office}

    def beyond(step):
        return [a for a, t in target.items() if t != Step.REJECTED and _at(t) > _at(step)]

    def at(step):
        return [a for a, t in target.items() if t == step]

    # The village's steps: those going past the ranking are ranked together; the two that
    # wait for it are brought there after.
    for application in beyond(Step.RANKING):
        advance(application, Step.RANKING, **offices)
    procedure.ranking_confirm(actor=cadre, village_code=village.code, year=year)
    for step in (Step.INCOME_CHECK, Step.CONDITIONS_CHECK, Step.RANKING):
        for application in at(step):
            advance(application, step, **offices)
    for application in beyond(Step.RANKING):
        advance(application, min(target[application], Step.VILLAGE_NOTICE, key=_at), **offices)
    # An earlier village notice has run its period; the current one has an objection.
    where = _("村委会 0935-3120001")
    _notice_run(cadre, NoticeLevel.VILLAGE, village, year, beyond(Step.VILLAGE_NOTICE), where)
    notice = notices.notice_publish(
        actor=cadre,
        level=NoticeLevel.VILLAGE,
        area_code=village.code,
        year=year,
        applications=[a.pk for a in at(Step.VILLAGE_NOTICE)],
        where_to_object=where,
    )
    notices.objection_record(
        actor=cadre,
        notice=notice,
        item=notice.items.first(),
        objector_name="赵德明",
        objector_contact="13909350021",
        channel=ObjectionChannel.VISIT,
        received_on=notice.starts_on,
        content=_("反映该户在县城有商品房一套，请核实。"),
    )
    # The township's review and notice, the same way.
    for application in beyond(Step.TOWNSHIP_REVIEW):
        advance(application, Step.TOWNSHIP_NOTICE, **offices)
    where = _("%(township)s人民政府 0935-3120100") % {"township": township.name}
    _notice_run(
        township_office, NoticeLevel.TOWNSHIP, township, year, beyond(Step.TOWNSHIP_NOTICE), where
    )
    notices.notice_publish(
        actor=township_office,
        level=NoticeLevel.TOWNSHIP,
        area_code=township.code,
        year=year,
        applications=[a.pk for a in at(Step.TOWNSHIP_NOTICE)],
        where_to_object=where,
    )
    # The county's review and announcement.
    for application in beyond(Step.COUNTY_REVIEW):
        advance(application, Step.COUNTY_ANNOUNCEMENT, **offices)
    notices.notice_publish(
        actor=county_office,
        level=NoticeLevel.COUNTY,
        area_code=county.code,
        year=year,
        applications=[a.pk for a in at(Step.DONE)],
        where_to_object="",
    )
    for application in at(Step.REJECTED):
        procedure.application_step(
            actor=cadre,
            application=application,
            version=application.version,
            outcome=Outcome.REJECTED,
            note=_("入户核实发现家庭有稳定务工收入，人均纯收入高于标准。"),
        )
    return len(target)


def seed_complaints() -> int:
    """Two complaints in the first village: one just received, waiting for the township to
    assign it; one checked and answered. Returns how many."""
    village = Area.objects.filter(level="village").order_by("code").first()
    if village is None or Complaint.objects.exists():
        return 0
    cadre = _post_holder(RoleCode.VILLAGE_CADRE, village)
    township_office = _post_holder(RoleCode.TOWNSHIP_OFFICE, village.parent)
    on_file = Household.objects.filter(
        village=village, status__in=(HouseholdStatus.REGISTERED, HouseholdStatus.EXITED)
    ).order_by("-status", "number")  # registered first
    if not (cadre and township_office and on_file.count() >= 2):
        return 0
    first, second = on_file[:2]
    concern, content = (
        (
            ComplaintConcern.WRONG_ENTRY,
            _("反映该户家中新购置小轿车一辆，子女在县城有商品房，不应享受贫困户政策。"),
        )
        if first.status == HouseholdStatus.REGISTERED
        else (
            ComplaintConcern.WRONG_EXIT,
            _("反映该户脱贫时把外出务工收入算高了，户主今年患病住院，家庭实际仍很困难。"),
        )
    )
    today = timezone.localdate()
    complaints.complaint_record(
        actor=cadre,
        channel=ObjectionChannel.PHONE,
        received_on=today,
        concern=concern,
        household=first,
        complainant_name="",
        content=content,
    )
    answered = complaints.complaint_record(
        actor=cadre,
        channel=ObjectionChannel.VISIT,
        received_on=today - dt.timedelta(days=6),
        concern=ComplaintConcern.HELP,
        household=second,
        complainant_name="马永清",
        complainant_contact="13909350188",
        content=_("反映帮扶责任人半年未入户，产业扶持资金未到位。"),
    )
    answered = complaints.complaint_assign(
        actor=township_office,
        complaint=answered,
        version=answered.version,
        assignee=cadre,
        deadline=today + dt.timedelta(days=9),
    )
    answered = complaints.complaint_check(actor=cadre, complaint=answered, version=answered.version)
    complaints.complaint_answer(
        actor=township_office,
        complaint=answered,
        version=answered.version,
        upheld=True,
        answer=_(
            "经核实，帮扶责任人入户记录缺失属实，已责令其本月内入户并补记；产业扶持资金已于本周拨付到户。"
        ),
    )
    return 2


def _at(step: str) -> int:
    """A step's place in the procedure, the ends after every step."""
    return [*procedure.ORDER, Step.DONE, Step.REJECTED, Step.WITHDRAWN].index(step)


def _notice_run(actor, level, area, year, applications, where):
    """A notice of these applications that has run its period and ended."""
    if not applications:
        return
    notice = notices.notice_publish(
        actor=actor,
        level=level,
        area_code=area.code,
        year=year,
        applications=[a.pk for a in applications],
        where_to_object=where,
    )
    backdated(notice, (notice.ends_on - notice.starts_on).days + 3)
    notices.notices_close_ended()


@demo_extra
def seed_identification(say) -> None:
    """seed_demo's part for identification: the 低保 roster matched and the registry re-checked
    (once: not when a roster exists), and applications at every step (once)."""
    if Roster.objects.exists():
        say(_("已有名单，跳过名单比对演示。"))
    elif seed_rosters() is not None:
        matched, checked = cross_match(), recheck()
        say(
            _("演示名单已比对：发现问题 %(matched)d 个；定期核查发现问题 %(checked)d 个。")
            % {"matched": len(matched.opened), "checked": len(checked.opened)}
        )
    if Application.objects.exists():
        say(_("已有识别申请，跳过。"))
    else:
        count = seed_applications()
        say(_("已生成 %(n)d 个识别申请，分布在识别程序的各个环节。") % {"n": count})
    if seed_complaints():
        say(_("已生成 2 件信访举报：一件待交办，一件已答复。"))
