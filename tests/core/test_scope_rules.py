"""Scope with actions: the role -> action table (data) decides what each persona may do, page
and API alike; another area's record is a 404, a role without the action gets a 403; and no
module but core/scope.py builds an area filter."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from core import scope
from core.choices import Action
from core.models import Area, RoleAction
from registry import services
from registry.models import Household

from ..conftest import VILLAGE_A

ROOT = Path(__file__).resolve().parents[2]
# An area code compared by prefix: code__startswith, village__code__startswith, area_id__…
AREA_PREFIX_FILTER = re.compile(
    r"\b(code|area|area_id|area_code|village|village_id|village_code)(__\w+)*__startswith\b"
)


def test_no_area_prefix_filter_outside_the_scope_module():
    offenders = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {"tests", ".venv"} or relative == "core/scope.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if AREA_PREFIX_FILTER.search(line) or "_inside_any(" in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_pattern_sees_an_area_prefix_filter():
    assert AREA_PREFIX_FILTER.search('qs.filter(village__code__startswith="620623")')
    assert AREA_PREFIX_FILTER.search("Q(area_code__startswith=prefix)")
    assert not AREA_PREFIX_FILTER.search('qs.filter(number__startswith="62")')


def test_every_scoped_model_declares_its_area_field():
    from django.apps import apps

    for model in apps.get_app_config("registry").get_models():
        if hasattr(model.objects.none(), "restrict"):
            assert scope.area_field(model)
    for model in (Area, Household):
        field = scope.area_field(model)
        assert model.objects.filter(**{field: "620623100200"}).query  # a real lookup path


def test_restrict_follows_the_role_action_table(households, township_office, cadre_a):
    assert set(Household.objects.restrict(township_office, Action.VIEW)) == {
        households["A"],
        households["B"],
    }
    assert not Household.objects.restrict(township_office, Action.EDIT).exists()
    assert list(Household.objects.restrict(cadre_a, Action.EDIT)) == [households["A"]]
    RoleAction.objects.create(role_id="township_office", action=Action.EDIT)
    scope.forget(township_office)
    assert Household.objects.restrict(township_office, Action.EDIT).count() == 2


def test_kept_posts_are_dropped_when_a_post_or_a_role_changes(
    api, households, cadre_a, township_office
):
    """Each request reads the user's posts from the shared cache: revoking a post, or an
    action from a role, takes effect at the next request."""
    from core.models import Post
    from core.posts import post_revoke

    township = api(township_office)
    assert township.get(f"/api/households/{households['A'].pk}/").status_code == 200
    RoleAction.objects.filter(role_id="township_office", action=Action.VIEW).delete()
    assert township.get(f"/api/households/{households['A'].pk}/").status_code == 404
    RoleAction.objects.create(role_id="township_office", action=Action.VIEW)
    assert township.get(f"/api/households/{households['A'].pk}/").status_code == 200

    cadre = api(cadre_a)
    assert cadre.get(f"/api/households/{households['A'].pk}/").status_code == 200
    post_revoke(Post.objects.get(user=cadre_a))
    assert cadre.get(f"/api/households/{households['A'].pk}/").status_code == 404


def test_superusers_reach_everything_and_strangers_nothing(
    households, superuser, django_user_model
):
    stranger = django_user_model.objects.create_user("stranger")
    assert Household.objects.restrict(superuser, Action.APPROVE).count() == 4
    assert not Household.objects.restrict(stranger, Action.VIEW).exists()
    assert scope.actions_of(stranger) == set()


# --- every endpoint and page, generically -----------------------------------------------------


def _member(household, relation="spouse"):
    return household.members.get(relation=relation)


def _income(household):
    return household.incomes.get_or_create(year=2016, defaults={"household_size": 3})[0]


# (name, how to call it for a household: client, household -> response)
API_EDITS = [
    (
        "api household patch",
        lambda c, h: c.patch(
            f"/api/households/{h.pk}/", {"phone": "13900000000", "version": h.version}
        ),
    ),
    (
        "api member patch",
        lambda c, h: c.patch(
            f"/api/members/{_member(h).pk}/", {"dibao": True, "version": _member(h).version}
        ),
    ),
    (
        "api member leave",
        lambda c, h: c.post(
            f"/api/members/{_member(h, 'daughter').pk}/leave/",
            {"reason": "married_out", "version": _member(h, "daughter").version},
        ),
    ),
    (
        "api change head",
        lambda c, h: c.post(
            f"/api/households/{h.pk}/change-head/",
            {"new_head": _member(h).pk, "previous_head_relation": "spouse", "version": h.version},
        ),
    ),
    (
        "api income patch",
        lambda c, h: c.patch(
            f"/api/incomes/{_income(h).pk}/", {"wage_income": "1", "version": _income(h).version}
        ),
    ),
]
PAGE_EDITS = [
    ("page edit", lambda c, h: c.get(reverse("household-edit", args=[h.pk]))),
    ("page income", lambda c, h: c.get(reverse("income-create", args=[h.pk]))),
    ("page change head", lambda c, h: c.get(reverse("household-change-head", args=[h.pk]))),
    (
        "page member leave",
        lambda c, h: c.get(reverse("member-leave", args=[_member(h, "daughter").pk])),
    ),
]
ALL_EDITS = API_EDITS + PAGE_EDITS
IDS = [name for name, _call in ALL_EDITS]


def _client(client, user):
    client.force_login(user)

    class Json:
        def get(self, url):
            return client.get(url)

        def post(self, url, data):
            return client.post(url, data, content_type="application/json")

        def patch(self, url, data):
            return client.patch(url, data, content_type="application/json")

    return Json()


@pytest.mark.parametrize("call", [call for _name, call in ALL_EDITS], ids=IDS)
def test_another_areas_record_is_a_404(client, households, cadre_a, call):
    assert call(_client(client, cadre_a), households["B"]).status_code == 404


@pytest.mark.parametrize("call", [call for _name, call in ALL_EDITS], ids=IDS)
def test_a_role_without_the_edit_action_gets_a_403(client, households, township_office, call):
    assert call(_client(client, township_office), households["A"]).status_code == 403


@pytest.mark.parametrize("call", [call for _name, call in ALL_EDITS], ids=IDS)
def test_granting_the_action_in_the_table_opens_the_same_door(
    client, households, township_office, call
):
    RoleAction.objects.create(role_id="township_office", action=Action.EDIT)
    assert call(_client(client, township_office), households["A"]).status_code in (200, 302)


@pytest.mark.parametrize(
    ("url", "action"),
    [("household-create", Action.EDIT), ("import-new", Action.IMPORT)],
)
def test_pages_that_need_an_action_somewhere(client, areas, township_office, url, action):
    client.force_login(township_office)
    assert client.get(reverse(url)).status_code == 403
    RoleAction.objects.create(role_id="township_office", action=action)
    assert client.get(reverse(url)).status_code == 200


def test_taking_the_action_away_closes_it_for_the_cadre(client, households, cadre_a):
    RoleAction.objects.filter(role_id="village_cadre", action=Action.EDIT).delete()
    client.force_login(cadre_a)
    assert client.get(reverse("household-edit", args=[households["A"].pk])).status_code == 403
    response = client.patch(
        f"/api/households/{households['A'].pk}/",
        {"phone": "13900000000", "version": households["A"].version},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_export_needs_the_export_action(client, households, county_office):
    client.force_login(county_office)
    response = client.get(reverse("household-export"))
    assert response.status_code == 200
    RoleAction.objects.filter(role_id="county_office", action=Action.EXPORT).delete()
    response = client.get(reverse("household-export"))
    assert response.status_code == 403


def test_status_counts_are_scoped_to_the_caller(households, cadre_a, county_office):
    from registry import selectors

    assert selectors.status_counts(user=cadre_a) == {"registered": 1}
    assert selectors.status_counts(user=county_office) == {"registered": 3}
    # An area outside the caller's own gives nothing, not that area's counts.
    assert selectors.status_counts(user=cadre_a, area_code="620622000000") == {}


def test_a_cadre_registers_only_in_an_area_where_they_may_edit(areas, cadre_a):
    from django.core.exceptions import PermissionDenied

    from ..factories import member_data

    with pytest.raises(PermissionDenied):
        services.household_register(
            actor=cadre_a,
            village=Area.objects.get(code="620623100201"),
            members=[member_data()],
            number="X1",
        )
    household = services.household_register(
        actor=cadre_a,
        village=Area.objects.get(code=VILLAGE_A),
        members=[member_data()],
        number="X2",
    )
    assert household.status == "applicant"


def test_editing_a_role_in_the_admin_updates_its_holders_admin_permissions(
    client, superuser, township_office
):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="role:township_office")
    assert not group.permissions.filter(codename="change_household").exists()
    client.force_login(superuser)
    role_page = client.get("/admin/core/role/township_office/change/")
    formset = role_page.context["inline_admin_formsets"][0].formset
    data = {
        "code": "township_office",
        "name": "乡镇扶贫办",
        "level": "township",
        "sort_order": 2,
        **{
            formset.management_form.add_prefix(k): v
            for k, v in formset.management_form.initial.items()
        },
    }
    for form in formset.forms:
        if form.instance.pk:
            data[form.add_prefix("id")] = form.instance.pk
            data[form.add_prefix("role")] = "township_office"
            data[form.add_prefix("action")] = form.instance.action
    new = len([f for f in formset.forms if f.instance.pk])
    data[formset.add_prefix(str(new)) + "-action"] = "edit"
    data[formset.add_prefix(str(new)) + "-role"] = "township_office"
    data[formset.management_form.add_prefix("TOTAL_FORMS")] = new + 1
    response = client.post("/admin/core/role/township_office/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert group.permissions.filter(codename="change_household").exists()
