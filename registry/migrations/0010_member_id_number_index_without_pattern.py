from django.db import migrations, models


def drop_indexes_of_id_number_alone(apps, schema_editor):
    """The indexes db_index made (on PostgreSQL a plain and a pattern one), found by what they
    cover: AlterField would also drop the partial unique index of one live record per person,
    which covers the same column."""
    Member = apps.get_model("registry", "Member")
    table = Member._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, table)
    for name, about in found.items():
        if about["columns"] == ["id_number"] and about["index"] and not about["unique"]:
            schema_editor.execute(schema_editor._delete_index_sql(Member, name))


def restore_db_index(apps, schema_editor):
    Member = apps.get_model("registry", "Member")
    field = Member._meta.get_field("id_number").clone()
    field.set_attributes_from_name("id_number")
    field.db_index = True
    for statement in schema_editor._field_indexes_sql(Member, field):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_member_joined_on_unknown"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="id_number",
                    field=models.CharField(max_length=30, verbose_name="证件号码"),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_indexes_of_id_number_alone, restore_db_index),
            ],
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["id_number"], name="member_id_number_idx"),
        ),
    ]
