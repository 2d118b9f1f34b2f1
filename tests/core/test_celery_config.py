from django.conf import settings

from config.celery import app


def test_celery_speaks_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]


def test_tasks_are_acknowledged_late_with_explicit_time_limits():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_visibility_timeout_is_at_least_twice_the_longest_task_time_limit():
    # Otherwise Redis redelivers a late-acked task to a second worker while the first runs it.
    app.loader.import_default_modules()
    limits = [app.conf.task_time_limit]
    limits += [t.time_limit for t in app.tasks.values() if getattr(t, "time_limit", None)]
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility >= 2 * max(limits)


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names an unknown task"
