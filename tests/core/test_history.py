"""One history for every app: any app's model registers itself; records are scoped by their
area code; the household page names each record and pages through all of them."""

import pytest
from django.urls import reverse

from core import history
from core.choices import Action, ChangeAction
from core.models import ChangeRecord, Post
from registry import services


@pytest.fixture
def tracked_posts():
    """Posts (a model of core, not of registry) keep history for the length of a test, as a
    later app's models will, registered from that app."""
    history.track(Post, area=lambda post: post.area_id, name=lambda post: str(post.user))
    yield
    history._TRACKED.pop(Post)


def test_a_second_apps_model_records_its_history(tracked_posts, cadre_a, cadre_b, township_office):
    post = Post.objects.get(user=cadre_a)
    before = history.snapshot(post)
    post.phone = "13809350001"
    post.save()
    history.record(
        post,
        action=ChangeAction.UPDATE,
        changes=history.diff(before, history.snapshot(post)),
        actor=township_office,
        source="岗位调整",
    )
    record = ChangeRecord.objects.get(model="core.post")
    assert (record.object_id, record.object_repr, record.area_code) == (
        post.pk,
        "cadre_a",
        post.area_id,
    )
    assert record.household_id is None and record.version is None
    assert record.changes == {"phone": ["", "13809350001"]}
    assert history.last_change(post) == record
    # Scoped by its area like every record: the township sees it, another village does not.
    assert ChangeRecord.objects.restrict(township_office, Action.VIEW).filter(pk=record.pk).exists()
    assert not ChangeRecord.objects.restrict(cadre_b, Action.VIEW).filter(pk=record.pk).exists()


def test_bulk_records_of_a_second_apps_model(tracked_posts, cadre_a, superuser):
    """The registered name reads post.user, a query: it must not run inside the COPY (the
    connection would wait for itself for ever)."""
    posts = list(Post.objects.all())
    batch = history.record_many(
        [(post, ChangeAction.CREATE, None) for post in posts], actor=superuser, source="迁移"
    )
    records = ChangeRecord.objects.filter(batch=batch)
    assert records.count() == len(posts) and {r.model for r in records} == {"core.post"}
    assert {r.source for r in records} == {"迁移"}


def test_an_unregistered_model_is_refused(cadre_a):
    with pytest.raises(LookupError):
        history.record(Post.objects.first(), action=ChangeAction.UPDATE, changes={}, actor=None)


def test_the_household_page_names_each_record(client, households, cadre_a):
    household = households["A"]
    daughter = household.members.get(relation="daughter")
    spouse = household.members.get(relation="spouse")
    services.income_record(actor=cadre_a, household=household, year=2016, data={})
    services.member_leave(
        actor=cadre_a, member=daughter, version=daughter.version, reason="married_out"
    )
    household.refresh_from_db()
    services.household_change_head(
        actor=cadre_a,
        household=household,
        version=household.version,
        new_head=spouse,
        previous_head_relation="spouse",
    )
    household.refresh_from_db()
    services.household_update(
        actor=cadre_a, household=household, version=household.version, data={"group": "二组"}
    )
    client.force_login(cadre_a)
    page = client.get(reverse("household-detail", args=[household.pk])).text
    for line in (
        "减员：张玉兰（嫁出）",
        "新增 2016 年度收入",
        "变更户主：张建国 → 李秀英",
        "状态变更：申请中 → 贫困户",
        "测试数据",  # the status change's source
        "村民小组：— → 二组",  # an empty value reads —
        "cadre_a",
    ):
        assert line in page, line


def test_the_history_pages_through_more_than_fifty(client, households, cadre_a):
    household = households["A"]
    for number in range(60):
        household.refresh_from_db()
        services.household_update(
            actor=cadre_a,
            household=household,
            version=household.version,
            data={"group": f"{number}组"},
        )
    total = ChangeRecord.objects.filter(household_id=household.pk).count()
    client.force_login(cadre_a)
    detail = client.get(reverse("household-detail", args=[household.pk]))
    assert len(detail.context["history"]) == 50 and f"共 {total} 条" in detail.text
    url = reverse("household-history", args=[household.pk])
    second = client.get(url, {"page": 2})
    assert second.status_code == 200 and len(second.context["history"]) == total - 50
    assert "1组" in second.text  # the oldest edits are on the last page
    assert 'start="51"' in second.text  # numbered on from the first page
    assert client.get(reverse("household-history", args=[households["B"].pk])).status_code == 404


def test_history_is_masked_for_a_reader_who_does_not_keep_the_area(
    client, households, superuser, county_office
):
    household = households["A"]
    services.household_update(
        actor=superuser,
        household=household,
        version=household.version,
        data={"bank_account": "6228480012345678"},
    )
    client.force_login(county_office)
    page = client.get(reverse("household-history", args=[household.pk])).text
    assert "6228480012345678" not in page and "622848******5678" in page


def test_the_admin_names_record_kinds(client, households, superuser):
    client.force_login(superuser)
    page = client.get("/admin/core/changerecord/")
    assert page.status_code == 200 and "家庭成员" in page.text
    filtered = client.get("/admin/core/changerecord/", {"model": "registry.income"})
    assert filtered.status_code == 200


def test_records_of_rows_written_from_tuples_equal_those_of_instances(households, superuser):
    """An import writes new rows from its validated tuples (history.record_created); their
    records say what record_many says of the same rows as instances."""
    from core.bulk import RowMaker
    from registry.models import Income, Member

    household = households["A"]
    Income.objects.create(household=household, year=2021, wage_income="1234.50", household_size=1)
    rows = [*Member.objects.filter(household=household), *household.incomes.all(), household]
    columns = ["model", "object_id", "object_repr", "area_code", "household_id", "action",
               "changes", "version", "actor_id", "source"]  # fmt: skip

    def written(write):
        ChangeRecord.objects.all().delete()
        write()
        return sorted(ChangeRecord.objects.values_list(*columns), key=repr)

    def from_tuples():
        for row in rows:
            model = type(row)
            history.record_created(
                model,
                [RowMaker(model).freeze(row)],
                [(household.village_id, household.pk)],
                actor=superuser,
                source="导入：a.xlsx",
            )

    by_instances = written(
        lambda: history.record_many(
            [(row, ChangeAction.CREATE, None) for row in rows],
            actor=superuser,
            source="导入：a.xlsx",
        )
    )
    assert written(from_tuples) == by_instances
    assert {record[0] for record in by_instances} == {
        "registry.member", "registry.income", "registry.household"
    }  # fmt: skip
    assert any(record[6].get("wage_income") == "1234.50" for record in by_instances)


def test_a_deleted_users_records_keep_the_name_and_lose_the_link(households, cadre_a):
    """The actor column has no database constraint (imports write many records): Django
    itself empties it when the user is deleted, and the name stays."""
    services.household_update(
        actor=cadre_a, household=households["A"], version=households["A"].version,
        data={"phone": "13809350002"},
    )  # fmt: skip
    record = ChangeRecord.objects.get(action=ChangeAction.UPDATE, actor=cadre_a)
    cadre_a.delete()
    record.refresh_from_db()
    assert (record.actor_id, record.actor_name) == (None, "cadre_a")
