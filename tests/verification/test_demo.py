"""seed_demo leaves exit assessments at several stages, signed by the demo's own signers."""

from django.core.management import call_command

from verification.models import Assessment
from verification.services.signatures import verify_chains


def test_the_demo_leaves_assessments_at_several_stages(db, capsys):
    call_command("seed_demo", "--households", "60")
    states = sorted(Assessment.objects.values_list("state", flat=True))
    assert states == ["approved", "draft", "returned", "signing", "signing"]
    exited = Assessment.objects.get(state="approved")
    assert exited.household.status == "exited" and exited.signatures.count() == 4
    assert verify_chains().broken == []
    out = capsys.readouterr().out
    assert "demo_helper" in out and "退出验收" in out
