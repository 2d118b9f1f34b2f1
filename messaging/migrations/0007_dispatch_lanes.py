from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_pacer_paired_at_and_campaigns")]

    operations = [
        migrations.CreateModel(
            name="DispatchLane",
            fields=[
                ("number", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("lease_until", models.DateTimeField()),
                ("token", models.CharField(blank=True, max_length=32)),
            ],
        ),
    ]
