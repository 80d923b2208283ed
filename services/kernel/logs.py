"""JSON logs, one object per line on stderr, each carrying the service, the request id and
the RPC of the request being served (from context variables set by the interceptor), and the
trace id when tracing is on (services.kernel.tracing)."""

import contextvars
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
rpc_var: contextvars.ContextVar[str] = contextvars.ContextVar("rpc", default="")
# The current span's trace id; set by tracing.setup, None while tracing is off.
trace_id: Callable[[], str] | None = None

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := request_id_var.get():
            entry["request_id"] = request_id
        if rpc := rpc_var.get():
            entry["rpc"] = rpc
        if trace_id is not None and (current := trace_id()):
            entry["trace_id"] = current
        fields = vars(record)
        for name in sorted(fields.keys() - _RESERVED):  # the caller's extra={...}; few, so sorting is cheap
            entry[name] = fields[name]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(service: str, level: str = "INFO") -> None:
    # What a LogRecord would otherwise look up for every line and this format never prints
    # (the logging HOWTO's "Optimization" switches): the caller's frame, thread and process.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # SQLAlchemy and asyncpg stay quiet unless something is wrong.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
