"""A logging filter that takes secrets out of every record before any handler writes it.

``zapi.redaction`` masks what Z-API traffic carries (the instance token in URL paths,
``Client-Token``, Bearer tokens); on top of that our own webhook URLs carry the instance's
secret. Installed on every handler (config/settings/base.py LOGGING), so it also catches what
other libraries print: Django's request and access logs, gunicorn, Celery.
"""

from __future__ import annotations

import logging
import re

from zapi.redaction import MASK, redact_text

_WEBHOOK_SECRET = re.compile(r"(/webhooks/[^/\s]+/)[^/\s?\"']+")


def redact(text: str) -> str:
    return _WEBHOOK_SECRET.sub(rf"\1{MASK}", redact_text(text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
