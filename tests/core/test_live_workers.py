import pytest

from config.celery import app

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_starts_answers_and_can_be_killed(celery_workers):
    celery_workers.start(1)
    assert len(app.control.ping(timeout=1)) == 1
    celery_workers.kill(0)
    assert celery_workers.procs[0].returncode == -9


@pytest.mark.django_db(transaction=True)
def test_workers_can_be_started_again_after_one_was_killed(celery_workers):
    celery_workers.start(1)
    celery_workers.kill(0)
    celery_workers.start(1)
    assert len(app.control.ping(timeout=1)) == 1
