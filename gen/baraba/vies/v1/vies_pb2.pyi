import datetime

from baraba.access.v1 import access_pb2 as _access_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from validate import validate_pb2 as _validate_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TraderMatch(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRADER_MATCH_UNSPECIFIED: _ClassVar[TraderMatch]
    TRADER_MATCH_VALID: _ClassVar[TraderMatch]
    TRADER_MATCH_INVALID: _ClassVar[TraderMatch]
    TRADER_MATCH_NOT_PROCESSED: _ClassVar[TraderMatch]
TRADER_MATCH_UNSPECIFIED: TraderMatch
TRADER_MATCH_VALID: TraderMatch
TRADER_MATCH_INVALID: TraderMatch
TRADER_MATCH_NOT_PROCESSED: TraderMatch

class CheckVatNumberRequest(_message.Message):
    __slots__ = ("vat_number",)
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    vat_number: str
    def __init__(self, vat_number: _Optional[str] = ...) -> None: ...

class CheckVatNumberApproxRequest(_message.Message):
    __slots__ = ("vat_number", "requester_vat_number", "trader_name", "trader_street", "trader_postcode", "trader_city")
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TRADER_NAME_FIELD_NUMBER: _ClassVar[int]
    TRADER_STREET_FIELD_NUMBER: _ClassVar[int]
    TRADER_POSTCODE_FIELD_NUMBER: _ClassVar[int]
    TRADER_CITY_FIELD_NUMBER: _ClassVar[int]
    vat_number: str
    requester_vat_number: str
    trader_name: str
    trader_street: str
    trader_postcode: str
    trader_city: str
    def __init__(self, vat_number: _Optional[str] = ..., requester_vat_number: _Optional[str] = ..., trader_name: _Optional[str] = ..., trader_street: _Optional[str] = ..., trader_postcode: _Optional[str] = ..., trader_city: _Optional[str] = ...) -> None: ...

class VatNumberCheck(_message.Message):
    __slots__ = ("country_code", "vat_number", "valid", "name", "address", "request_date", "cached", "checked_at", "stale", "consultation_number", "stale_reason", "name_match", "street_match", "postcode_match", "city_match")
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_DATE_FIELD_NUMBER: _ClassVar[int]
    CACHED_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    CONSULTATION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STALE_REASON_FIELD_NUMBER: _ClassVar[int]
    NAME_MATCH_FIELD_NUMBER: _ClassVar[int]
    STREET_MATCH_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_MATCH_FIELD_NUMBER: _ClassVar[int]
    CITY_MATCH_FIELD_NUMBER: _ClassVar[int]
    country_code: str
    vat_number: str
    valid: bool
    name: str
    address: str
    request_date: str
    cached: bool
    checked_at: _timestamp_pb2.Timestamp
    stale: bool
    consultation_number: str
    stale_reason: str
    name_match: TraderMatch
    street_match: TraderMatch
    postcode_match: TraderMatch
    city_match: TraderMatch
    def __init__(self, country_code: _Optional[str] = ..., vat_number: _Optional[str] = ..., valid: _Optional[bool] = ..., name: _Optional[str] = ..., address: _Optional[str] = ..., request_date: _Optional[str] = ..., cached: _Optional[bool] = ..., checked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stale: _Optional[bool] = ..., consultation_number: _Optional[str] = ..., stale_reason: _Optional[str] = ..., name_match: _Optional[_Union[TraderMatch, str]] = ..., street_match: _Optional[_Union[TraderMatch, str]] = ..., postcode_match: _Optional[_Union[TraderMatch, str]] = ..., city_match: _Optional[_Union[TraderMatch, str]] = ...) -> None: ...
