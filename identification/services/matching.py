"""Cross-matching (一比对, 低保衔接): the latest version of each roster against the registry's
live members, by ID number (stored normalised on both sides: 18 characters, upper-case X).

The matching is joins in SQL, one per question; Python only turns the rows into findings.
For a subsidy roster (低保, 特困), both ways: a member of a registered household on it while
the household does not carry the roster's attribute; a person on it in no registered household
(a candidate: 应扶尽扶; an exited household is still on the registry, and keeps its 低保 as
脱贫不脱政策); a household carrying the attribute none of whose members is on it any
more. For an exclusion roster (payroll, vehicles, housing, business): a member of a registered
or applying household on it. For every roster: the same ID number under another name.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from core import scope
from registry.choices import HouseholdStatus
from registry.models import Household, Member

from ..choices import FindingKind, FindingSource, RosterMatching
from ..models import Finding, Roster, RosterEntry
from .findings import Found, Reconciled, findings_reconcile

REGISTERED = HouseholdStatus.REGISTERED
APPLICANT = HouseholdStatus.APPLICANT


@dataclass
class MatchResult:
    """What a run did: how many rosters (or rules) it checked, and the findings it opened,
    found still open, and found gone."""

    checked: int = 0
    opened: list[Finding] = field(default_factory=list)
    still_open: int = 0
    resolved: int = 0

    def add(self, reconciled: Reconciled) -> None:
        self.checked += 1
        self.opened += reconciled.opened
        self.still_open += reconciled.still_open
        self.resolved += reconciled.resolved


def cross_match(*, types: list[str] | None = None, progress=None) -> MatchResult:
    """Match the latest roster of each type and area (of `types`, or all active types) and
    bring their findings up to date. `progress(percent)` is told how far it has come."""
    rosters = Roster.objects.newest_versions().select_related("type", "type__attribute", "area")
    rosters = [r for r in rosters if r.type.active and (types is None or r.type_id in types)]
    result = MatchResult()
    for done, roster in enumerate(rosters, start=1):
        found = roster_findings(roster)
        among = Finding.objects.filter(
            source=FindingSource.ROSTER, roster__type=roster.type, roster__area=roster.area
        )
        result.add(findings_reconcile(found=found, among=among))
        if progress:
            progress(int(100 * done / len(rosters)))
    return result


def roster_findings(roster: Roster) -> list[Found]:
    """What one roster version says is wrong in the registry now."""
    found = []
    pairs = _pairs(roster)
    for pair in pairs:
        if _plain(pair.entry_name) != _plain(pair.member_name):
            found.append(_name_mismatch(roster, pair))
    matching = roster.type.matching
    if matching == RosterMatching.SUBSIDY:
        found += _not_marked(roster, pairs)
        found += _candidates(roster)
        found += _gone(roster)
    elif matching == RosterMatching.EXCLUSION:
        found += [
            _excluded(roster, pair) for pair in pairs if pair.status in (REGISTERED, APPLICANT)
        ]
    return found


@dataclass(frozen=True)
class Pair:
    """A roster entry and the live member with its ID number."""

    entry_id: int
    row: int
    id_number: str
    entry_name: str
    member_id: int
    member_name: str
    household_id: int
    household_number: str
    village: str
    status: str
    attribute: str | None


def _pairs(roster: Roster, household_id: int | None = None) -> list[Pair]:
    one_household = "AND h.id = %s" if household_id is not None else ""
    sql = f"""
        SELECT e.id, e."row", e.id_number, e.name, m.id, m.name, h.id, h.number,
               h.village_id, h.status, h.attribute_id
        FROM {RosterEntry._meta.db_table} e
        JOIN {Member._meta.db_table} m ON m.id_number = e.id_number AND m.left_on IS NULL
        JOIN {Household._meta.db_table} h ON h.id = m.household_id
        WHERE e.roster_id = %s {one_household}
        ORDER BY e."row", m.id
    """
    params = [roster.pk] if household_id is None else [roster.pk, household_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Pair(*row) for row in cursor.fetchall()]


# What blocks an application at its cross-match (一比对) until the finding is closed.
BLOCKING = (FindingKind.EXCLUSION_HIT, FindingKind.NAME_MISMATCH)


def household_rosters(household: Household) -> list[Roster]:
    """The latest version of every active roster covering the household's village."""
    return [
        roster
        for roster in Roster.objects.newest_versions().select_related("type", "area")
        if roster.type.active and _inside(household.village_id, roster.area_id)
    ]


def blocking_findings(household: Household) -> list[Finding]:
    """The household's roster hits not yet closed: they block its application."""
    return list(
        Finding.objects.active().filter(household=household, kind__in=BLOCKING).order_by("pk")
    )


def household_cross_match(household: Household) -> list[Finding]:
    """一比对 for one household: its live members against household_rosters(). A member on an
    exclusion roster, or under another name on any roster, opens a finding (once); returns
    those it opened."""
    found = []
    for roster in household_rosters(household):
        for pair in _pairs(roster, household.pk):
            if _plain(pair.entry_name) != _plain(pair.member_name):
                found.append(_name_mismatch(roster, pair))
            if roster.type.matching == RosterMatching.EXCLUSION:
                found.append(_excluded(roster, pair))
    # Only what was found here: nothing else in the registry is marked gone by this check.
    among = Finding.objects.filter(source=FindingSource.ROSTER, key__in=[f.key for f in found])
    return findings_reconcile(found=found, among=among).opened


def _plain(name: str) -> str:
    return "".join(name.split())


def _evidence(roster: Roster, row: int | None = None, **more) -> dict:
    evidence = {
        "roster_type": roster.type_id,
        "roster": roster.pk,
        "as_of": roster.as_of.isoformat(),
        "area": roster.area_id,
    }
    if row is not None:
        evidence["row"] = row
    return {**evidence, **more}


def _about(roster: Roster) -> str:
    return _("%(type)s名单（%(as_of)s）") % {"type": roster.type.name, "as_of": roster.as_of}


def _name_mismatch(roster: Roster, pair: Pair) -> Found:
    return Found(
        key=f"{FindingKind.NAME_MISMATCH}:{roster.type_id}:{pair.member_id}",
        kind=FindingKind.NAME_MISMATCH,
        source=FindingSource.ROSTER,
        area_code=pair.village,
        household_id=pair.household_id,
        member_id=pair.member_id,
        id_number=pair.id_number,
        name=pair.member_name,
        roster_id=roster.pk,
        message=_(
            "%(roster)s第 %(row)s 行的证件号码与户 %(number)s 的成员“%(member)s”相同，"
            "但名单上的姓名是“%(listed)s”：请核实是同一人还是号码有误。"
        )
        % {
            "roster": _about(roster),
            "row": pair.row,
            "number": pair.household_number,
            "member": pair.member_name,
            "listed": pair.entry_name,
        },
        evidence=_evidence(roster, pair.row, listed_name=pair.entry_name),
    )


def _not_marked(roster: Roster, pairs: list[Pair]) -> list[Found]:
    attribute = roster.type.attribute_id
    households: dict[int, list[Pair]] = {}
    for pair in pairs:
        if pair.status == REGISTERED and pair.attribute != attribute:
            households.setdefault(pair.household_id, []).append(pair)
    found = []
    for household_id, listed in households.items():
        first = listed[0]
        names = "、".join(pair.member_name for pair in listed)
        found.append(
            Found(
                key=f"{FindingKind.SUBSIDY_NOT_MARKED}:{roster.type_id}:{household_id}",
                kind=FindingKind.SUBSIDY_NOT_MARKED,
                source=FindingSource.ROSTER,
                area_code=first.village,
                household_id=household_id,
                member_id=first.member_id,
                id_number=first.id_number,
                name=first.member_name,
                roster_id=roster.pk,
                message=_(
                    "户 %(number)s 的%(names)s在%(roster)s上，但该户的贫困户属性不是“%(attribute)s”。"
                )
                % {
                    "number": first.household_number,
                    "names": names,
                    "roster": _about(roster),
                    "attribute": roster.type.attribute.name if roster.type.attribute else "-",
                },
                evidence=_evidence(roster, rows=[pair.row for pair in listed]),
            )
        )
    return found


def _candidates(roster: Roster) -> list[Found]:
    """Entries with no live member in a registered or exited household anywhere: 应扶尽扶."""
    sql = f"""
        SELECT e."row", e.id_number, e.name, e.area_code, e.people
        FROM {RosterEntry._meta.db_table} e
        WHERE e.roster_id = %s AND NOT EXISTS (
            SELECT 1 FROM {Member._meta.db_table} m
            JOIN {Household._meta.db_table} h ON h.id = m.household_id
            WHERE m.id_number = e.id_number AND m.left_on IS NULL AND h.status IN (%s, %s)
        )
        ORDER BY e."row"
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [roster.pk, REGISTERED, HouseholdStatus.EXITED])
        rows = cursor.fetchall()
    covered = roster.area_id
    return [
        Found(
            key=f"{FindingKind.SUBSIDY_CANDIDATE}:{roster.type_id}:{id_number}",
            kind=FindingKind.SUBSIDY_CANDIDATE,
            source=FindingSource.ROSTER,
            # The village the list gives, if it lies in the list's area; else the area itself.
            area_code=area_code if area_code and _inside(area_code, covered) else covered,
            id_number=id_number,
            name=name,
            roster_id=roster.pk,
            message=_(
                "%(name)s在%(roster)s第 %(row)s 行，但不在任何建档立卡户中：请核查是否应当纳入。"
            )
            % {"name": name, "roster": _about(roster), "row": row},
            evidence=_evidence(roster, row, people=people),
        )
        for row, id_number, name, area_code, people in rows
    ]


def _gone(roster: Roster) -> list[Found]:
    """Registered households in the list's area carrying its attribute, none of whose live
    members is on it."""
    attribute = roster.type.attribute_id
    if attribute is None:
        return []
    households = (
        Household.objects.within(roster.area_id)
        .filter(status=REGISTERED, attribute_id=attribute)
        .values_list("pk", "number", "village_id", "head_name")
    )
    sql = f"""
        SELECT DISTINCT m.household_id FROM {Member._meta.db_table} m
        JOIN {RosterEntry._meta.db_table} e ON e.id_number = m.id_number AND e.roster_id = %s
        WHERE m.left_on IS NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [roster.pk])
        listed = {household_id for (household_id,) in cursor.fetchall()}
    return [
        Found(
            key=f"{FindingKind.SUBSIDY_GONE}:{roster.type_id}:{pk}",
            kind=FindingKind.SUBSIDY_GONE,
            source=FindingSource.ROSTER,
            area_code=village,
            household_id=pk,
            name=head_name,
            roster_id=roster.pk,
            message=_(
                "户 %(number)s（户主 %(head)s）的属性是“%(attribute)s”，但已不在%(roster)s上："
                "请核实是否已退出，并更正户属性。"
            )
            % {
                "number": number,
                "head": head_name,
                "attribute": roster.type.attribute.name,
                "roster": _about(roster),
            },
            evidence=_evidence(roster),
        )
        for pk, number, village, head_name in households
        if pk not in listed
    ]


def _excluded(roster: Roster, pair: Pair) -> Found:
    return Found(
        key=f"{FindingKind.EXCLUSION_HIT}:{roster.type_id}:{pair.member_id}",
        kind=FindingKind.EXCLUSION_HIT,
        source=FindingSource.ROSTER,
        area_code=pair.village,
        household_id=pair.household_id,
        member_id=pair.member_id,
        id_number=pair.id_number,
        name=pair.member_name,
        roster_id=roster.pk,
        message=_("户 %(number)s 的成员%(member)s在%(roster)s第 %(row)s 行：请核实是否属于错评。")
        % {
            "number": pair.household_number,
            "member": pair.member_name,
            "roster": _about(roster),
            "row": pair.row,
        },
        evidence=_evidence(roster, pair.row, listed_name=pair.entry_name),
    )


def _inside(code: str, area: str) -> bool:
    return code.startswith(scope.significant_prefix(area))
