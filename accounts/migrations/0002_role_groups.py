from django.db import migrations

ROLE_GROUPS = [
    "social_worker",
    "designated_teacher",
    "link_teacher",
    "administrator",
    "governor",
    "social_work_manager",
    "headteacher",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
