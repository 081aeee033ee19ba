"""The demo county gets a 低保 roster, and one cross-match and re-check find problems in both
directions, so that `make run` shows the findings list at work."""

from django.core.management import call_command

from identification.models import Finding, Roster


def test_the_demo_county_has_findings_both_ways(db, capsys):
    call_command("seed_demo", "--households", "60")
    call_command("seed_demo_checks", "--if-empty")
    kinds = set(Finding.objects.values_list("kind", flat=True))
    assert {"subsidy_candidate", "name_mismatch", "subsidy_not_marked"} <= kinds, kinds
    rules = set(Finding.objects.filter(source="rule").values_list("kind", flat=True))
    assert {"no_income", "below_threshold"} <= rules, rules  # the re-check's
    call_command("seed_demo_checks", "--if-empty")
    assert Roster.objects.count() == 1 and "跳过" in capsys.readouterr().out
