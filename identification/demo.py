"""The demo county's rosters: a 低保 list as civil affairs would send it, so that the county
office finds something in both directions when it tries the cross-match."""

import datetime as dt

from django.utils import timezone

from core import idnumbers
from core.models import Area
from registry.choices import HouseholdStatus, Relation
from registry.models import Member

from .models import Roster, RosterEntry

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
