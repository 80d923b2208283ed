"""The kernel's field conversions."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.fields import timestamp, timestamp_from_micros


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 27, 18, 30, 5, 123456, tzinfo=UTC),
        datetime(2026, 3, 29, 3, 0, 0, 1, tzinfo=timezone(timedelta(hours=3))),
        datetime(2026, 1, 1, 0, 0, 0, 999999, tzinfo=UTC).replace(tzinfo=None),  # naive: taken as UTC
        datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),  # before the epoch: negative seconds, positive nanos
    ],
)
def test_timestamp_is_the_instant_protobuf_computes(value):
    expected = Timestamp()
    expected.FromDatetime(value)
    assert timestamp(value) == expected


def test_a_missing_time_leaves_the_field_unset():
    assert timestamp(None) is None
    assert timestamp_from_micros(None) is None


@pytest.mark.parametrize(
    "value",
    [datetime(2026, 11, 27, 18, 30, 5, 123456, tzinfo=UTC), datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)],
)
def test_microseconds_since_1970_are_the_same_instant(value):
    micros = (value - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    fields = timestamp_from_micros(micros)
    assert fields is not None and Timestamp(**fields) == timestamp(value)
