"""Field conversions every servicer needs, done one way: ids from requests and timestamps
for responses."""

import uuid
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.errors import InvalidArgument


def parse_uuid(value: str, field: str = "id") -> uuid.UUID:
    """The UUID in a request field, or INVALID_ARGUMENT naming the field."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidArgument.field(field, "must be a UUID") from None


def timestamp(value: datetime | None) -> Timestamp | None:
    """A protobuf Timestamp, or None (the field stays unset) for a missing time."""
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts
