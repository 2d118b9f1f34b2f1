"""Celery tasks of the partners app: thin wrappers that call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, ignore_result=True)
def partners_sync_task(self: Any) -> dict[str, str]:
    """Beat: reconcile every partner's fleet with Z-API's instance list."""
    from partners.sync import partners_sync_all

    return partners_sync_all()


@shared_task(bind=True, ignore_result=True)
def trial_clock_task(self: Any) -> dict[str, int]:
    """Beat: trial notices at 24 h / 2 h left, auto-subscribe, ended trials expire."""
    from partners.lifecycle import trial_clock_tick

    return trial_clock_tick()


@shared_task(bind=True, ignore_result=True)
def billing_warnings_task(self: Any) -> dict[str, int]:
    """Beat: unpaid instances warned before the 10th and the 15th; old numbers expire."""
    from partners.lifecycle import unpaid_warnings_tick
    from partners.numbers import numbers_expire

    return {"unpaid": unpaid_warnings_tick(), "numbers_expired": numbers_expire()}
