"""Snapshots of /me stored before issue 11 held our webhook URLs, secret included: replace
them with the marker ``Instance.own_urls_redacted`` stores today."""

from django.db import migrations

POINTS_HERE = "(points here)"


def _redacted(value, secret):
    if isinstance(value, dict):
        return {k: _redacted(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, secret) for v in value]
    if isinstance(value, str) and secret and secret in value:
        return POINTS_HERE
    return value


def redact(apps, schema_editor):
    Instance = apps.get_model("instances", "Instance")
    for row in Instance.objects.exclude(settings_snapshot={}).iterator():
        clean = _redacted(row.settings_snapshot, str(row.webhook_secret))
        if clean != row.settings_snapshot:
            Instance.objects.filter(pk=row.pk).update(settings_snapshot=clean)


class Migration(migrations.Migration):
    dependencies = [("instances", "0005_business")]
    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
