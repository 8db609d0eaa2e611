"""Logging for the server and the command line: text for a terminal, or one JSON object per line
(``KAMGRAPH_LOG_FORMAT=json``) for a log pipeline, uvicorn's own records included.

Each GraphQL operation is one record of the logger ``kamgraph.request`` (written by
``kamgraph.metrics.RequestMetrics``) with its request id, operation type and name, duration, outcome and
the caller's id: never a token, a variable's value or a query's text.
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

#: the fields a request record carries, beside the message
REQUEST_FIELDS = ("request_id", "client_request_id", "operation_type", "operation", "duration_ms", "outcome", "actor")
#: attributes every LogRecord has; anything else was passed with ``extra=`` and belongs in the JSON
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's extra fields, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            entry.update(client=client, method=method, path=path, http=version, status=status)
        entry.update((k, v) for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_"))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class WithoutQueryString(logging.Filter):
    """uvicorn's access record names the whole target; a GET request's query string holds the query and its
    variables, which are never logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?")[0], version, status)
        return True


def config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config`` dictionary for kamgraph and uvicorn (``uvicorn.run(log_config=...)`` applies it
    in every worker process)."""
    formatter: dict[str, Any] = (
        {"()": JSONFormatter} if log_format == "json" else {"format": "%(levelname)s %(name)s: %(message)s"}
    )
    access: dict[str, Any] = formatter if log_format == "json" else {"format": "%(levelname)s %(message)s"}
    quiet = max(logging.WARNING, logging.getLevelName(level))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter, "access": access},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
                "filters": ["without_query_string"],
            },
        },
        "filters": {"without_query_string": {"()": WithoutQueryString}},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            "tortoise": {"level": logging.getLevelName(quiet)},  # "Tortoise-ORM shutdown" after every command
        },
        "root": {"handlers": ["default"], "level": level},
    }


def configure(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """Configure this process; returns the dictionary, for uvicorn to apply in its workers."""
    if log_format not in ("text", "json"):
        raise ValueError(f"KAMGRAPH_LOG_FORMAT is text or json, not {log_format!r}")
    settings = config(log_format, level)
    logging.config.dictConfig(settings)
    return settings


def actor_id(actor: Any) -> str:
    """Who called, without personal data: ``person:12``, ``apikey:3``, or ``system``/``anonymous``."""
    if actor is None:
        return "anonymous"
    if actor.via == "api_key":
        return f"apikey:{actor.credential_id}"
    if actor.person_id is not None:
        return f"person:{actor.person_id}"
    return str(actor.via)
