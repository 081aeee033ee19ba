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
from core.choices import Action, ChangeAction
from registry.choices import HouseholdStatus
from registry.services import household_status_set

from ..choices import AssessmentState, Decision, ExitLevel
from ..models import AreaExit, Assessment, Signature, SignOffRole, Snapshot
from .assessments import canonical, digest_of
from .notices import notice_cleared

A = AssessmentState
STATEMENT = gettext_lazy("本人已对上述退出验收情况逐项核实，确认真实准确，并对其真实性负责。")


def chain_of(level: str) -> list[SignOffRole]:
    return list(SignOffRole.objects.filter(level=level).select_related("role").order_by("position"))


def current_snapshot(assessment: Assessment) -> Snapshot | None:
    return assessment.snapshots.order_by("-round").first()


def signed_in_round(assessment: Assessment, snapshot: Snapshot | None):
    if snapshot is None:
        return Signature.objects.none()
    return assessment.signatures.filter(snapshot=snapshot, decision=Decision.SIGNED)


def next_signer(assessment: Assessment) -> SignOffRole | None:
    """The role whose signature the assessment waits for, or None (not put to signature, or
    all signed)."""
    if assessment.state != A.SIGNING:
        return None
    chain = chain_of(assessment.level)
    done = signed_in_round(assessment, current_snapshot(assessment)).count()
    return chain[done] if done < len(chain) else None


def may_sign(user, assessment: Assessment) -> bool:
    signer = next_signer(assessment)
    return (
        signer is not None
        and scope.post_holding(user, signer.role_id, assessment.area_id) is not None
        and not signed_in_round(assessment, current_snapshot(assessment))
        .filter(signer=user)
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
    statement upon themselves), or refuse with a reason, which sends it back."""
    current = locking.lock(assessment, version)
    if current.state != A.SIGNING:
        raise ValidationError({"state": _("该验收不在签字确认环节。")})
    snapshot = current_snapshot(current)
    chain = chain_of(current.level)
    signed = list(signed_in_round(current, snapshot).select_related("role"))
    if len(signed) >= len(chain):
        raise ValidationError({"state": _("签字已齐。")})
    signer = chain[len(signed)]
    post = scope.post_holding(actor, signer.role_id, current.area_id)
    if post is None:
        raise PermissionDenied(
            _("现在须由本地区的“%(role)s”签字（第 %(n)s 位）。")
            % {"role": signer.role.name, "n": signer.position}
        )
    if any(s.signer_id == actor.pk for s in signed):
        raise PermissionDenied(
            _("您已在本轮以“%(role)s”签字；同一人对一次验收只能签字一次。")
            % {"role": next(s.role.name for s in signed if s.signer_id == actor.pk)}
        )
    reason = (reason or "").strip()
    last = signer.position == len(chain)
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
        signer=signer,
        actor=actor,
        post=f"{post.role.name} · {post.area.name}",
        decision=Decision.REFUSED if refuse else Decision.SIGNED,
        reason=reason[:2000],
    )
    before = history.snapshot(current)
    if refuse:
        current.state, current.returned_reason = A.RETURNED, reason[:2000]
    elif last:
        _decide(current, actor=actor)
    current.version += 1
    current.save()
    history.record(
        current,
        action=ChangeAction.UPDATE,
        changes=history.diff(before, history.snapshot(current))
        | {
            _("签字确认"): [
                "",
                f"{signer.position}. {post.role.name} {actor.get_username()} "
                f"{signature.get_decision_display()}",
            ]
        },
        actor=actor,
    )
    return signature


def _chain(assessment, *, snapshot, signer, actor, post, decision, reason) -> Signature:
    previous = assessment.signatures.order_by("-pk").values_list("digest", flat=True).first()
    signature = Signature(
        assessment=assessment,
        snapshot=snapshot,
        position=signer.position,
        role=signer.role,
        signer=actor,
        signer_name=actor.get_full_name() or actor.get_username(),
        post=post[:200],
        decision=decision,
        statement=str(STATEMENT),
        reason=reason,
        signed_at=timezone.now(),
        previous=previous or "",
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
    county = current.area_id[:6].ljust(12, "0")
    if not scope.allows(actor, Action.APPROVE, county):
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
        household_status_set(
            actor=actor,
            household=current.household,
            to=HouseholdStatus.REGISTERED,
            source=source,
            year=current.year,
            annulling_exit=True,
        )
    else:
        AreaExit.objects.filter(assessment=current).update(revoked=True)
    current.state = A.REVOKED
    current.revoked_at, current.revoked_by, current.revoke_reason = timezone.now(), actor, reason
    current.revoke_finding = finding
    current.version += 1
    current.save()
    history.record(
        current,
        action=ChangeAction.UPDATE,
        changes=history.diff(before, history.snapshot(current)),
        actor=actor,
    )
    return current


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
    matches: a snapshot changed, a signature changed, one removed or put out of order, or an
    exit without the signatures that made it."""
    assessments = assessments if assessments is not None else Assessment.objects.all()
    report = ChainReport()
    snapshots = Snapshot.objects.filter(assessment__in=assessments).order_by("pk")
    by_assessment: dict[int, list[Snapshot]] = {}
    for snapshot in snapshots:
        by_assessment.setdefault(snapshot.assessment_id, []).append(snapshot)
    signatures: dict[int, list[Signature]] = {}
    for signature in Signature.objects.filter(assessment__in=assessments).order_by("pk"):
        signatures.setdefault(signature.assessment_id, []).append(signature)
    lengths = {level: len(chain_of(level)) for level in ExitLevel.values}
    for assessment in assessments.order_by("pk").only("pk", "state", "level"):
        report.assessments += 1
        own = by_assessment.get(assessment.pk, [])
        tampered = {s.pk for s in own if digest_of(s.data) != s.digest}
        for snapshot in own:
            if snapshot.pk in tampered:
                report.broken.append(
                    _broken(
                        assessment,
                        None,
                        _("第 %(n)s 轮数据快照与签字时不符。") % {"n": snapshot.round},
                    )
                )
        digests = {s.pk: s.digest for s in own}
        previous = ""
        chain = signatures.get(assessment.pk, [])
        for signature in chain:
            report.signatures += 1
            if signature.previous != previous:
                report.broken.append(
                    _broken(assessment, signature, _("与前一签字的链接断开（签字被删除或改动）。"))
                )
            elif (
                signature_digest(signature, digests.get(signature.snapshot_id, ""))
                != signature.digest
            ):
                report.broken.append(_broken(assessment, signature, _("签字内容与其摘要不符。")))
            previous = signature.digest
        if assessment.state in (A.APPROVED, A.REVOKED):
            last_round = own[-1].pk if own else None
            signed = [
                s for s in chain if s.snapshot_id == last_round and s.decision == Decision.SIGNED
            ]
            if len(signed) < lengths[assessment.level]:
                report.broken.append(_broken(assessment, None, _("已退出，但签字不全。")))
    return report


def _broken(assessment, signature, reason: str) -> dict:
    return {
        "assessment": assessment.pk,
        "signature": signature.pk if signature is not None else None,
        "reason": str(reason),
    }
