"""A Celery app for benchmarks: the project's own, with every task of this worker process run
under cProfile when ``BENCH_PROFILE_DIR`` is set; the stats are dumped there when the worker
shuts down (``<dir>/worker-<pid>.prof``, read with ``python -m pstats``).

    celery -A bench.profiled_worker worker ...   (outbound_bench.py --profile DIR does it)
"""

from __future__ import annotations

import cProfile
import os
import time
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_shutdown

from config.celery import app

__all__ = ["app"]

_DIR = os.environ.get("BENCH_PROFILE_DIR", "")
# CPU time of the thread that runs the task (the round), not wall time: the send threads
# are not profiled.
_profile = cProfile.Profile(time.thread_time)


@task_prerun.connect
def _start(**_kwargs: Any) -> None:
    if _DIR:
        _profile.enable()


@task_postrun.connect
def _stop(**_kwargs: Any) -> None:
    if _DIR:
        _profile.disable()


@worker_shutdown.connect
def _dump(**_kwargs: Any) -> None:
    if _DIR:
        _profile.dump_stats(os.path.join(_DIR, f"worker-{os.getpid()}.prof"))
