"""Seed the rating bands with the defaults: the guide's tables, with its gaps closed.

The guide leaves an overall score of 10 unbanded and puts an education score of 10 in
two bands; the defaults rate an overall 10 Ineffective and an education 10 Excellent.
"""

from django.db import migrations

DEFAULTS = {
    "overall": (("Excellent", 19, 22), ("Good", 11, 18), ("Ineffective", 0, 10)),
    "social_care": (("Excellent", 9, 10), ("Good", 5, 8), ("Ineffective", 0, 4)),
    "education": (("Excellent", 10, 12), ("Good", 6, 9), ("Ineffective", 0, 5)),
}


def seed(apps, schema_editor):
    Band = apps.get_model("quality", "Band")
    if Band.objects.exists():
        return
    Band.objects.bulk_create(
        Band(measure=measure, name=name, low=low, high=high)
        for measure, bands in DEFAULTS.items()
        for name, low, high in bands
    )


def unseed(apps, schema_editor):
    apps.get_model("quality", "Band").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0002_transition_action"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
