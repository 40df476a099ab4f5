from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="transition",
            name="action",
            field=models.CharField(
                choices=[
                    ("finalise", "Finalised"),
                    ("return", "Returned for amendment"),
                    ("resubmit", "Resubmitted after amendment"),
                    ("approve", "Approved"),
                ],
                default="",
                max_length=20,
            ),
            preserve_default=False,
        ),
    ]
