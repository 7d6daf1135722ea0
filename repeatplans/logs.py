"""JSON log lines with the request's ID and nothing personal.

Only named fields are written: the message, and for request lines the method, URL pattern, status
and duration. An exception is logged by its type and where it happened, never its message, which
may quote what a person typed.
"""

import json
import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

REQUEST_FIELDS = ("method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._message(record),
            "request_id": request_id.get(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["exception"] = kind.__qualname__
            entry["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(entry)

    @staticmethod
    def _message(record: logging.LogRecord) -> str:
        # Django's request and security loggers end their message with the path, which holds record
        # IDs: the request line already names the URL pattern, so the path is left out.
        if record.name.startswith(("django.request", "django.security")) and isinstance(record.args, tuple):
            try:
                return str(record.msg) % (*record.args[:-1], "[path]")
            except TypeError:
                pass
        return record.getMessage()
