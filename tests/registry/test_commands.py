import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core.choices import AreaLevel
from core.models import Area, Post
from registry.models import Household


@pytest.fixture
def areas_csv(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        "code,name\n"
        "620000000000,甘肃省\n"
        "620600000000,武威市\n"
        "620623,天祝藏族自治县\n"
        "620623100,华藏寺镇\n"
        "620623100200,岔口驿村\n",
        encoding="utf-8",
    )
    return path


def test_load_areas_pads_codes_derives_levels_and_parents(db, areas_csv, capsys):
    call_command("load_areas", str(areas_csv))
    village = Area.objects.get(code="620623100200")
    assert village.level == AreaLevel.VILLAGE
    assert village.parent.code == "620623100000"
    assert village.parent.parent.code == "620623000000"
    assert Area.objects.get(code="620000000000").level == AreaLevel.PROVINCE
    assert "新增 5" in capsys.readouterr().out


def test_load_areas_twice_is_harmless_and_updates_names(db, areas_csv, capsys):
    call_command("load_areas", str(areas_csv))
    call_command("load_areas", str(areas_csv))
    assert "未变 5" in capsys.readouterr().out
    assert Area.objects.count() == 5
    areas_csv.write_text("code,name\n620623100200,岔口驿村委会\n", encoding="utf-8")
    call_command("load_areas", str(areas_csv))
    assert Area.objects.get(code="620623100200").name == "岔口驿村委会"


def test_load_areas_reports_bad_codes_and_writes_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n62,甘肃省\n12345,坏代码\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行"):
        call_command("load_areas", str(path))
    assert not Area.objects.exists()


def test_grant_creates_the_user_and_the_post(db, areas_csv):
    call_command("load_areas", str(areas_csv))
    call_command("grant", "wang", "village_cadre", "620623100200", "--password", "s3cret-pass")
    user = get_user_model().objects.get(username="wang")
    assert user.check_password("s3cret-pass") and user.is_staff
    assert Post.objects.filter(user=user, role="village_cadre", area_id="620623100200").exists()
    call_command("grant", "wang", "township_office", "620623100")
    assert user.posts.count() == 2
    assert user.has_perm("registry.change_household")


def test_grant_refuses_an_unknown_area(db):
    with pytest.raises(CommandError, match="不存在"):
        call_command("grant", "wang", "village_cadre", "620623100200")


def test_seed_demo_builds_a_county_with_every_status_and_one_user_per_role(db, capsys):
    call_command("seed_demo", "--households", "60")
    # 60 households, and the applicants the identification demo registers in the first village.
    generated = Household.objects.exclude(number__startswith="6206231002009")
    assert generated.count() == 60
    assert set(Household.objects.values_list("status", flat=True)) == {
        "applicant",
        "registered",
        "exited",
        "removed",
    }
    roles = set(Post.objects.values_list("role", flat=True))
    signers = {"helper", "village_secretary", "work_team_leader", "township_liaison"}  # exits
    assert roles == {"village_cadre", "township_office", "county_office", "admin"} | signers
    before = Household.objects.count()
    call_command("seed_demo", "--households", "60", "--if-empty", "--port", "8001")
    assert Household.objects.count() == before
    printed = capsys.readouterr().out
    assert "demo_cadre" in printed and "http://127.0.0.1:8001/admin/" in printed


def test_load_areas_moves_existing_areas_under_a_level_that_arrives_later(db, tmp_path):
    first = tmp_path / "villages.csv"
    first.write_text("code,name\n620623,天祝县\n620623100200,岔口驿村\n", encoding="utf-8")
    call_command("load_areas", str(first))
    assert Area.objects.get(code="620623100200").parent_id == "620623000000"
    second = tmp_path / "townships.csv"
    second.write_text('code,name,rural_population\n620623100,华藏寺镇,"1,200"\n', encoding="utf-8")
    call_command("load_areas", str(second))
    assert Area.objects.get(code="620623100200").parent_id == "620623100000"
    assert Area.objects.get(code="620623100000").rural_population == 1200


def test_load_areas_reports_a_bad_population_at_its_row(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name,rural_population\n62,甘肃省,很多\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("load_areas", str(path))


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("village_cadre", "620623"),
        ("township_office", "620623100200"),
        ("county_office", "620623100"),
    ],
)
def test_grant_puts_a_role_only_at_its_level(db, areas_csv, role, code):
    call_command("load_areas", str(areas_csv))
    with pytest.raises(CommandError, match="一级"):
        call_command("grant", "wang", role, code)
    assert not Post.objects.exists()
