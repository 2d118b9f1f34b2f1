"""Checks behind ``/healthz``: each answers quickly and never raises."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection

from config.celery import app as celery_app

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("health: database unreachable", exc_info=True)
        return False


def broker_ok(timeout: int = 2) -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
        return True
    except Exception:  # kombu raises per transport; any failure means "not answering"
        logger.warning("health: broker unreachable", exc_info=True)
        return False
