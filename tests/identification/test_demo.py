"""The demo county gets a 低保 roster, and one cross-match and re-check find problems in both
directions, so that `make run` shows the findings list at work."""

from django.core.management import call_command

from identification.models import Finding, Roster


def test_the_demo_county_has_findings_both_ways(db, capsys):
    call_command("seed_demo", "--households", "60")
    kinds = set(Finding.objects.values_list("kind", flat=True))
    assert {"subsidy_candidate", "name_mismatch", "subsidy_not_marked"} <= kinds, kinds
    rules = set(Finding.objects.filter(source="rule").values_list("kind", flat=True))
    assert {"no_income", "below_threshold"} <= rules, rules  # the re-check's
    call_command("seed_demo", "--households", "60", "--if-empty")
    assert Roster.objects.count() == 1 and "跳过名单比对演示" in capsys.readouterr().out


def test_the_demo_leaves_applications_at_every_step(db, capsys):
    """A newcomer sees the procedure at once: an application waiting at each step, notices
    running and ended, an objection, a household announced and one rejected."""
    from identification.choices import Step
    from identification.demo import DEMO_STEPS
    from identification.models import Application, Notice, Objection

    call_command("seed_demo", "--households", "60")
    steps = sorted(Application.objects.values_list("step", flat=True))
    assert steps == sorted(DEMO_STEPS)
    assert set(DEMO_STEPS) >= {
        step for step in Step.values if step not in ("application", "withdrawn")
    }
    running = Notice.objects.filter(purpose="identification", state="running")
    assert running.count() == 2  # the village's, the township's
    assert Notice.objects.filter(purpose="identification", state="ended").count() == 2
    assert Objection.objects.get().state == "open"
    done = Application.objects.get(step=Step.DONE)
    assert done.household.status == "registered"
    assert "识别申请" in capsys.readouterr().out


def test_the_demo_has_a_complaint_to_assign_and_one_answered(db):
    from identification.models import Complaint

    call_command("seed_demo", "--households", "60")
    assert sorted(Complaint.objects.values_list("state", flat=True)) == ["answered", "received"]
    answered = Complaint.objects.get(state="answered")
    assert answered.upheld and answered.finding is not None
