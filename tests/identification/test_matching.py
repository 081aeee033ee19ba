"""Cross-matching rosters with the registry, both ways, and the findings it keeps (issue 10)."""

import datetime as dt

import pytest

from identification.choices import FindingKind, FindingState
from identification.models import Finding, Roster, RosterEntry, RosterType
from identification.services import cross_match
from registry.models import HouseholdAttribute

from ..conftest import VILLAGE_A, VILLAGE_B
from ..factories import id_number, make_household, member_data

COUNTY = "620623000000"


def make_roster(type_code, entries, *, area=COUNTY, as_of=dt.date(2026, 10, 1), heads_only=False):
    roster = Roster.objects.create(
        type=RosterType.objects.get(pk=type_code), area_id=area, as_of=as_of, heads_only=heads_only
    )
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=roster, row=row, id_number=number, name=name)
        for row, (number, name) in enumerate(entries, start=2)
    )
    return roster


def kinds(result):
    return sorted((finding.kind, finding.name) for finding in result.opened)


@pytest.fixture
def registry(areas, superuser):
    """A registered poor household marked 低保 (A), one not marked (B), an applicant (C)."""
    dibao = HouseholdAttribute.objects.get(code="dibao")
    general = HouseholdAttribute.objects.get(code="general")
    marked = make_household(
        village=VILLAGE_A,
        actor=superuser,
        members=[member_data(name="王低保"), member_data("son", name="王子")],
        attribute=dibao,
    )
    unmarked = make_household(
        village=VILLAGE_B,
        actor=superuser,
        members=[member_data(name="李一般"), member_data("spouse", male=False, name="李妻")],
        attribute=general,
    )
    applicant = make_household(
        village=VILLAGE_A,
        actor=superuser,
        members=[member_data(name="赵申请")],
        status="applicant",
    )
    return {"marked": marked, "unmarked": unmarked, "applicant": applicant}


def _id(household, name):
    return household.members.get(name=name).id_number


def test_a_dibao_roster_is_matched_both_ways(registry):
    outsider = id_number()
    make_roster(
        "dibao",
        [
            (_id(registry["unmarked"], "李妻"), "李妻"),  # on the list, household not marked
            (outsider, "孙外人"),  # on the list, in no registered household
            (_id(registry["applicant"], "赵申请"), "赵申请"),  # an applicant is no registered one
        ],
    )
    result = cross_match()
    assert kinds(result) == [
        (FindingKind.SUBSIDY_CANDIDATE, "孙外人"),
        (FindingKind.SUBSIDY_CANDIDATE, "赵申请"),
        (FindingKind.SUBSIDY_GONE, "王低保"),  # marked 低保, nobody of it on the list
        (FindingKind.SUBSIDY_NOT_MARKED, "李妻"),
    ]
    not_marked = Finding.objects.get(kind=FindingKind.SUBSIDY_NOT_MARKED)
    assert not_marked.household == registry["unmarked"] and not_marked.area_code == VILLAGE_B
    assert not_marked.evidence["rows"] == [2] and "低保贫困户" in not_marked.message
    from identification.selectors import evidence_rows

    assert ("名单行号", "2") in evidence_rows(not_marked)
    candidate = Finding.objects.get(name="孙外人")
    assert candidate.area_code == COUNTY and candidate.household is None
    assert candidate.id_number == outsider and candidate.evidence["row"] == 3


def test_a_heads_only_roster_covers_the_whole_household(registry):
    make_roster("dibao", [(_id(registry["marked"], "王低保"), "王低保")], heads_only=True)
    assert kinds(cross_match()) == []


def test_a_name_that_differs_is_its_own_finding(registry):
    make_roster("dibao", [(_id(registry["marked"], "王低保"), "王小宝")])
    result = cross_match()
    assert kinds(result) == [(FindingKind.NAME_MISMATCH, "王低保")]
    assert "王小宝" in result.opened[0].message


def test_an_exclusion_roster_flags_registered_and_applying_members(registry):
    make_roster(
        "vehicle",
        [
            (_id(registry["marked"], "王子"), "王子"),
            (_id(registry["applicant"], "赵申请"), "赵申请"),
            (id_number(), "不相干"),
        ],
    )
    assert kinds(cross_match(types=["vehicle"])) == [
        (FindingKind.EXCLUSION_HIT, "王子"),
        (FindingKind.EXCLUSION_HIT, "赵申请"),
    ]


def test_running_again_opens_nothing_new_and_a_gone_cause_is_marked(registry):
    make_roster("dibao", [(_id(registry["unmarked"], "李一般"), "李一般")])
    first = cross_match()
    assert len(first.opened) == 2  # not marked (B), gone (A)
    again = cross_match()
    assert again.opened == [] and again.still_open == 2 and again.resolved == 0
    assert Finding.objects.count() == 2
    # A newer list: B's family is off it, A's is on it again.
    make_roster(
        "dibao", [(_id(registry["marked"], "王低保"), "王低保")], as_of=dt.date(2026, 11, 1)
    )
    newer = cross_match()
    assert newer.resolved == 2 and newer.still_open == 0 and kinds(newer) == []
    gone = Finding.objects.get(kind=FindingKind.SUBSIDY_GONE)
    assert gone.cause_gone_at is not None and gone.state == FindingState.OPEN
    assert Finding.objects.get(kind=FindingKind.SUBSIDY_NOT_MARKED).cause_gone_at is not None


def test_a_finding_still_found_cites_the_newest_version(registry):
    number = _id(registry["unmarked"], "李一般")
    first = make_roster("dibao", [(number, "李一般")])
    cross_match()
    finding = Finding.objects.get(kind=FindingKind.SUBSIDY_NOT_MARKED)
    assert finding.roster == first and finding.evidence["rows"] == [2]
    newer = make_roster(
        "dibao", [(id_number(), "新增"), (number, "李一般")], as_of=dt.date(2026, 11, 1)
    )
    again = cross_match()
    assert [f.name for f in again.opened] == ["新增"] and again.resolved == 0
    finding.refresh_from_db()
    assert finding.roster == newer and finding.evidence["rows"] == [3]
    assert finding.evidence["as_of"] == "2026-11-01" and "2026-11-01" in finding.message
    assert finding.version == 1  # restated by the job, not a user's change


def test_only_the_latest_version_is_matched(registry):
    old = make_roster("dibao", [(id_number(), "旧名单")], as_of=dt.date(2026, 1, 1))
    make_roster("dibao", [(_id(registry["marked"], "王低保"), "王低保")])
    assert kinds(cross_match()) == []
    assert not Finding.objects.filter(roster=old).exists()


def test_an_exited_household_is_still_on_the_registry(areas, superuser):
    """脱贫不脱政策: a member of an exited household on the 低保 roster is no candidate."""
    exited = make_household(village=VILLAGE_A, actor=superuser, status="exited")
    head = exited.members.get(relation="head")
    make_roster("dibao", [(head.id_number, head.name)])
    assert kinds(cross_match()) == []  # an exited household is not "registered": not marked
