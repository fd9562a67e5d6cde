"""Keep the bot token and other secrets out of every log record.

httpx logs each request URL at INFO, and a Bot API URL holds the token; PTB puts the
token in the message of `InvalidToken`. A filter on one logger would miss records of
its children and handlers added later (pytest's caplog), so the redaction hooks the
log-record factory: every record of every logger is cleaned when it is created.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "[REDACTED]"

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False
_base_factory = logging.getLogRecordFactory()


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` with every secret (and its URL-quoted form) replaced by `[REDACTED]`."""
    for secret in _variants(secrets if secrets is not None else _secrets):
        text = text.replace(secret, REDACTED)
    return text


def _variants(secrets: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for s in secrets:
        if s:
            out.update({s, quote(s, safe=""), quote(s)})
    return sorted(out, key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """Rewrites a record whose message or traceback holds a secret. Never drops one."""

    def __init__(self, secrets: Iterable[str] | None = None) -> None:
        super().__init__()
        self._own = list(secrets) if secrets is not None else None

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._own if self._own is not None else list(_secrets)
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the record as it is
            message = str(record.msg)
        clean = redact(message, secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            clean_tb = redact(text, secrets)
            if clean_tb != text:  # formatters use a cached exc_text as it is
                record.exc_text = clean_tb
        return True


_filter = RedactingFilter()


def _factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    _filter.filter(record)
    return record


def install_redaction(*secrets: str | None) -> None:
    """Redact these secrets from all log records from now on (idempotent, process-wide)."""
    global _installed, _base_factory
    with _lock:
        _secrets.update(s for s in secrets if s)
        if not _installed:
            _base_factory = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_factory)
            _installed = True
