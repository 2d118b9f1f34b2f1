from django.db import migrations, models


def digests_fill(apps, schema_editor):
    from instances.models import webhook_secret_digest

    instance = apps.get_model("instances", "Instance")
    rows = list(instance.objects.only("pk", "webhook_secret"))
    for row in rows:
        row.webhook_secret_digest = webhook_secret_digest(str(row.webhook_secret))
    instance.objects.bulk_update(rows, ["webhook_secret_digest"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("instances", "0006_snapshot_own_urls_redacted")]

    operations = [
        migrations.AddField(
            model_name="instance",
            name="webhook_secret_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(digests_fill, migrations.RunPython.noop),
    ]
