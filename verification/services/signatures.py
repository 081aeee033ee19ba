"""The "4342" sign-off chain (DOMAIN.md §6): an assessment put to signature is signed by the
roles of its level (SignOffRole), in order, each by a user whose post holds that role for the
assessment's area, each answering for the truth of the snapshot; one person signs once in a
round, whatever roles they hold; a refusal, with its reason, sends the assessment back. A
household's last signer signs only after its exit notice has run with no objection open.

The last signature decides: the household becomes exited through the registry's status
service, or the area's exit (摘帽) is recorded. Signatures form a chain: each stores the SHA-256
of itself, the snapshot's digest and the signature before, so that `verify_chains` finds any
snapshot or signature changed or removed after the fact."""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import history, locking, scope
from core.choices import Action, AreaLevel
from core.models import Role
from registry.choices import HouseholdStatus
from registry.models import Household
from registry.services import household_status_set

from ..choices import AssessmentState, Decision, ExitLevel
from ..models import AreaExit, Assessment, Signature, Snapshot
from .assessments import canonical, digest_of
from .notices import notice_cleared, withdraw_from_notices

A = AssessmentState
STATEMENT = gettext_lazy("本人已对上述退出验收情况逐项核实，确认真实准确，并对其真实性负责。")


def current_snapshot(assessment: Assessment) -> Snapshot | None:
    return assessment.snapshots.order_by("-round").first()


def signed_in_round(assessment: Assessment, snapshot: Snapshot | None):
    if snapshot is None:
        return Signature.objects.none()
    return assessment.signatures.filter(snapshot=snapshot, decision=Decision.SIGNED)


def may_sign(user, assessment: Assessment) -> bool:
    """Whether the assessment waits for a role the user holds over its area, and the user has
    not signed this round."""
    return (
        assessment.state == A.SIGNING
        and assessment.next_role_id is not None
        and scope.post_holding(user, assessment.next_role_id, assessment.area_id) is not None
        and not signed_in_round(assessment, current_snapshot(assessment))
        .filter(signer_id=user.pk)
        .exists()
    )


@transaction.atomic
def assessment_sign(
    *,
    actor,
    assessment: Assessment,
    version: int,
    affirmed: bool = False,
    refuse: bool = False,
    reason: str = "",
) -> Signature:
    """Sign the assessment in the role it waits for (`affirmed`: the signer takes the
    statement upon themselves), or refuse with a reason, which sends it back. The roles and
    their order are the round's, frozen in its snapshot."""
    current = locking.lock(assessment, version)
    if current.state != A.SIGNING:
        raise ValidationError({"state": _("该验收不在签字确认环节。")})
    snapshot = current_snapshot(current)
    chain = snapshot.data["chain"]
    signed = list(signed_in_round(current, snapshot).select_related("role"))
    if len(signed) >= len(chain):
        raise ValidationError({"state": _("签字已齐。")})
    position = len(signed) + 1
    role = Role.objects.get(pk=chain[position - 1])
    post = scope.post_holding(actor, role.pk, current.area_id)
    if post is None:
        raise PermissionDenied(
            _("现在须由本地区的“%(role)s”签字（第 %(n)s 位）。")
            % {"role": role.name, "n": position}
        )
    if any(s.signer_id == actor.pk for s in signed):
        raise PermissionDenied(
            _("您已在本轮以“%(role)s”签字；同一人对一次验收只能签字一次。")
            % {"role": next(s.role.name for s in signed if s.signer_id == actor.pk)}
        )
    reason = (reason or "").strip()
    last = position == len(chain)
    if refuse:
        if not reason:
            raise ValidationError({"reason": _("拒签须写明原因。")})
    else:
        if not affirmed:
            raise ValidationError({"affirmed": _("签字须确认承诺：对验收情况的真实性负责。")})
        if last and current.level == ExitLevel.HOUSEHOLD:
            cleared, why = notice_cleared(current)
            if not cleared:
                raise ValidationError({"state": why})
    signature = _chain(
        current,
        snapshot=snapshot,
        position=position,
        role=role,
        actor=actor,
        post=f"{post.role.name} · {post.area.name}",
        decision=Decision.REFUSED if refuse else Decision.SIGNED,
        reason=reason[:2000],
    )
    before = history.snapshot(current)
    current.chain_head = signature.digest
    if refuse:
        current.state, current.returned_reason = A.RETURNED, reason[:2000]
        current.next_role = None
        withdraw_from_notices(current)
    elif last:
        current.next_role = None
        _decide(current, actor=actor)
    else:
        current.next_role_id = chain[position]
    current.version += 1
    current.save()
    signed = f"{position}. {role.name} {actor.get_username()} {signature.get_decision_display()}"
    history.record_update(current, before, actor=actor, also={_("签字确认"): ["", signed]})
    return signature


def _chain(assessment, *, snapshot, position, role, actor, post, decision, reason) -> Signature:
    signature = Signature(
        assessment=assessment,
        snapshot=snapshot,
        position=position,
        role=role,
        signer=actor,
        signer_name=actor.get_full_name() or actor.get_username(),
        post=post[:200],
        decision=decision,
        statement=str(STATEMENT),
        reason=reason,
        signed_at=timezone.now(),
        previous=assessment.chain_head,
    )
    signature.digest = signature_digest(signature, snapshot.digest)
    signature.save()
    return signature


def signature_digest(signature: Signature, snapshot_digest: str) -> str:
    return hashlib.sha256(
        canonical(
            {
                "assessment": signature.assessment_id,
                "snapshot": snapshot_digest,
                "position": signature.position,
                "role": signature.role_id,
                "signer": signature.signer_id,
                "signer_name": signature.signer_name,
                "post": signature.post,
                "decision": signature.decision,
                "statement": signature.statement,
                "reason": signature.reason,
                "signed_at": signature.signed_at.isoformat(),
                "previous": signature.previous,
            }
        )
    ).hexdigest()


def _decide(assessment: Assessment, *, actor) -> None:
    """The last signature: the household exits (through the status service), or the area's
    exit is recorded, for the assessment's year."""
    source = _("%(assessment)s（验收第 %(pk)s 号）") % {
        "assessment": assessment,
        "pk": assessment.pk,
    }
    if assessment.household_id:
        household_status_set(
            actor=actor,
            household=assessment.household,
            to=HouseholdStatus.EXITED,
            source=source,
            year=assessment.year,
            action=Action.SIGN,
        )
    else:
        AreaExit.objects.create(area=assessment.area, year=assessment.year, assessment=assessment)
    assessment.state, assessment.decided_at = A.APPROVED, timezone.now()


# --- revocation ---------------------------------------------------------------------------------


@transaction.atomic
def assessment_revoke(
    *, actor, assessment: Assessment, version: int, reason: str, finding=None
) -> Assessment:
    """An exit found false (by a finding or a complaint, whose finding is named) is annulled by
    the county office: the household is registered poor again, as if it had not exited
    (through the status service); an area's exit is struck out. The signatures stay on
    record."""
    current = locking.lock(assessment, version)
    if not may_revoke(actor, current):
        raise PermissionDenied(_("撤销退出须由县扶贫办办理。"))
    if current.state != A.APPROVED:
        raise ValidationError({"state": _("只有已退出的验收可以撤销。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明撤销的原因（如核查发现的问题或信访举报）。")})
    if finding is not None and not _concerns(finding, current):
        raise ValidationError({"finding": _("所选问题与该验收的户或地区无关。")})
    before = history.snapshot(current)
    source = _("撤销%(assessment)s（验收第 %(pk)s 号）：%(reason)s") % {
        "assessment": current,
        "pk": current.pk,
        "reason": reason[:100],
    }
    if current.household_id:
        if _made_the_current_exit(current):
            household_status_set(
                actor=actor,
                household=current.household,
                to=HouseholdStatus.REGISTERED,
                source=source,
                year=current.year,
                annulling_exit=True,
            )
        # An exit since undone (a return to poverty) or followed by a later one stays on record
        # as false; the household's status is not this assessment's any more.
    else:
        AreaExit.objects.filter(assessment=current).update(revoked=True)
    current.state = A.REVOKED
    current.revoked_at, current.revoked_by, current.revoke_reason = timezone.now(), actor, reason
    current.revoke_finding = finding
    current.version += 1
    current.save()
    history.record_update(current, before, actor=actor)
    return current


def may_revoke(user, assessment: Assessment) -> bool:
    county = assessment.area_id[:6].ljust(12, "0")
    return scope.allows(user, Action.APPROVE, county, AreaLevel.COUNTY)


def _made_the_current_exit(assessment: Assessment) -> bool:
    household = Household.objects.select_for_update().get(pk=assessment.household_id)
    later = Assessment.objects.filter(
        household=household, state=A.APPROVED, pk__gt=assessment.pk
    ).exists()
    return (
        household.status == HouseholdStatus.EXITED
        and household.exit_year == assessment.year
        and not later
    )


def _concerns(finding, assessment: Assessment) -> bool:
    if assessment.household_id:
        return finding.household_id == assessment.household_id
    return finding.area_code.startswith(scope.significant_prefix(assessment.area_id))


# --- verification of the chains -----------------------------------------------------------------


@dataclass
class ChainReport:
    assessments: int = 0
    signatures: int = 0
    broken: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "assessments": self.assessments,
            "signatures": self.signatures,
            "broken": self.broken,
        }


def verify_chains(assessments=None) -> ChainReport:
    """Recompute every snapshot's digest and every signature's chain; report what no longer
    matches: a snapshot changed, a signature changed, removed or put out of order (the last
    one against the assessment's chain head), an item or an evidence file changed after it was
    signed for, or an exit without the signatures that made it."""
    assessments = assessments if assessments is not None else Assessment.objects.all()
    report = ChainReport()
    snapshots: dict[int, list[Snapshot]] = {}
    for snapshot in Snapshot.objects.filter(assessment__in=assessments).order_by("round"):
        snapshots.setdefault(snapshot.assessment_id, []).append(snapshot)
    signatures: dict[int, list[Signature]] = {}
    for signature in Signature.objects.filter(assessment__in=assessments).order_by("pk"):
        signatures.setdefault(signature.assessment_id, []).append(signature)
    for assessment in assessments.order_by("pk").prefetch_related("items__evidence"):
        report.assessments += 1
        rounds = snapshots.get(assessment.pk, [])
        chain = signatures.get(assessment.pk, [])
        report.signatures += len(chain)
        report.broken += [
            _broken(assessment, None, why) for why in _snapshot_faults(assessment, rounds)
        ]
        report.broken += [
            _broken(assessment, sig, why) for sig, why in _chain_faults(assessment, rounds, chain)
        ]
    return report


def _snapshot_faults(assessment: Assessment, rounds: list[Snapshot]):
    for snapshot in rounds:
        if (
            digest_of(snapshot.data) != snapshot.digest
            or snapshot.data.get("round") != snapshot.round
        ):
            yield _("第 %(n)s 轮数据快照与签字时不符。") % {"n": snapshot.round}
    if not rounds or assessment.state not in (A.SIGNING, A.APPROVED, A.REVOKED):
        return
    signed_for = {item["code"]: item for item in rounds[-1].data.get("items", [])}
    for item in assessment.items.all():
        was = signed_for.get(item.code)
        if was is None or (was["value"], was["passed"], was["note"]) != (
            item.value,
            item.passed,
            item.note,
        ):
            yield _("指标“%(item)s”在签字后被改动。") % {"item": item.label}
        elif sorted(e["sha256"] for e in was["evidence"]) != sorted(
            e.digest for e in item.evidence.all()
        ):
            yield _("指标“%(item)s”的佐证材料在签字后被改动。") % {"item": item.label}
        for evidence in item.evidence.all():
            if file_digest(evidence) != evidence.digest:
                yield _("佐证材料“%(name)s”的文件已被替换或缺失。") % {"name": evidence.name}


def _chain_faults(assessment: Assessment, rounds: list[Snapshot], chain: list[Signature]):
    digests = {s.pk: s.digest for s in rounds}
    previous = ""
    for signature in chain:
        if signature.previous != previous:
            yield signature, _("与前一签字的链接断开（签字被删除或改动）。")
        elif (
            signature_digest(signature, digests.get(signature.snapshot_id, "")) != signature.digest
        ):
            yield signature, _("签字内容与其摘要不符。")
        previous = signature.digest
    if previous != assessment.chain_head:
        yield None, _("最后的签字被删除或改动。")
    if assessment.state in (A.APPROVED, A.REVOKED):
        last = rounds[-1] if rounds else None
        signed = [
            s for s in chain if last and s.snapshot_id == last.pk and s.decision == Decision.SIGNED
        ]
        if last is None or len(signed) < len(last.data.get("chain", [])):
            yield None, _("已退出，但签字不全。")


def file_digest(evidence) -> str | None:
    digest = hashlib.sha256()
    try:
        with evidence.file.open("rb") as stored:
            for chunk in iter(lambda: stored.read(65536), b""):
                digest.update(chunk)
    except (FileNotFoundError, ValueError):
        return None
    return digest.hexdigest()


def _broken(assessment, signature, reason: str) -> dict:
    return {
        "assessment": assessment.pk,
        "signature": signature.pk if signature is not None else None,
        "reason": str(reason),
    }
