"""A logging filter that takes secrets out of every record before any handler writes it.

Z-API puts the instance token in the URL path (``/instances/ID/token/TOKEN/...``) and the
account token in the ``Client-Token`` header; partner APIs use Bearer tokens; our webhook
URLs carry the instance's secret. ``zapi`` redacts what it logs itself; this filter catches
what other libraries (httpx, gunicorn, Django's request logging) might print.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    (re.compile(r"(/token/)[^/\s?\"']+"), r"\1***"),
    (re.compile(r"(/webhooks/[^/\s]+/)[^/\s?\"']+"), r"\1***"),
    (re.compile(r"(?i)(client-token['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"), r"\1***"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1***"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


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
