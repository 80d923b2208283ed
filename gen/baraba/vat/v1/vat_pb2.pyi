import datetime

from baraba.access.v1 import access_pb2 as _access_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from validate import validate_pb2 as _validate_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VatChoices(_message.Message):
    __slots__ = ("coefficient", "offset_art92_1", "paid", "refund_art92_1", "refund_art92_3", "refund_art92_4")
    COEFFICIENT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_ART92_1_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ART92_1_FIELD_NUMBER: _ClassVar[int]
    REFUND_ART92_3_FIELD_NUMBER: _ClassVar[int]
    REFUND_ART92_4_FIELD_NUMBER: _ClassVar[int]
    coefficient: str
    offset_art92_1: str
    paid: str
    refund_art92_1: str
    refund_art92_3: str
    refund_art92_4: str
    def __init__(self, coefficient: _Optional[str] = ..., offset_art92_1: _Optional[str] = ..., paid: _Optional[str] = ..., refund_art92_1: _Optional[str] = ..., refund_art92_3: _Optional[str] = ..., refund_art92_4: _Optional[str] = ...) -> None: ...

class CreateVatReturnRequest(_message.Message):
    __slots__ = ("company_id", "period", "choices", "request_id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    period: str
    choices: VatChoices
    request_id: str
    def __init__(self, company_id: _Optional[str] = ..., period: _Optional[str] = ..., choices: _Optional[_Union[VatChoices, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GenerateVatFilesRequest(_message.Message):
    __slots__ = ("period", "company_id", "choices")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    period: str
    company_id: str
    choices: VatChoices
    def __init__(self, period: _Optional[str] = ..., company_id: _Optional[str] = ..., choices: _Optional[_Union[VatChoices, _Mapping]] = ...) -> None: ...

class VatFile(_message.Message):
    __slots__ = ("name", "size", "sha256", "records")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    size: int
    sha256: str
    records: int
    def __init__(self, name: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., records: _Optional[int] = ...) -> None: ...

class VatReturn(_message.Message):
    __slots__ = ("id", "company_id", "period", "version", "currency", "files", "cells", "vat_payable", "vat_refundable", "choices", "notes", "created_by", "created_by_name", "created_at")
    class CellsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    VAT_PAYABLE_FIELD_NUMBER: _ClassVar[int]
    VAT_REFUNDABLE_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    period: str
    version: int
    currency: str
    files: _containers.RepeatedCompositeFieldContainer[VatFile]
    cells: _containers.ScalarMap[str, str]
    vat_payable: str
    vat_refundable: str
    choices: VatChoices
    notes: _containers.RepeatedScalarFieldContainer[str]
    created_by: str
    created_by_name: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., period: _Optional[str] = ..., version: _Optional[int] = ..., currency: _Optional[str] = ..., files: _Optional[_Iterable[_Union[VatFile, _Mapping]]] = ..., cells: _Optional[_Mapping[str, str]] = ..., vat_payable: _Optional[str] = ..., vat_refundable: _Optional[str] = ..., choices: _Optional[_Union[VatChoices, _Mapping]] = ..., notes: _Optional[_Iterable[str]] = ..., created_by: _Optional[str] = ..., created_by_name: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListVatReturnsRequest(_message.Message):
    __slots__ = ("company_id", "period", "page_size", "page_token")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    period: str
    page_size: int
    page_token: str
    def __init__(self, company_id: _Optional[str] = ..., period: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListVatReturnsResponse(_message.Message):
    __slots__ = ("vat_returns", "next_page_token")
    VAT_RETURNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    vat_returns: _containers.RepeatedCompositeFieldContainer[VatReturn]
    next_page_token: str
    def __init__(self, vat_returns: _Optional[_Iterable[_Union[VatReturn, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetVatReturnRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class DownloadVatFileRequest(_message.Message):
    __slots__ = ("company_id", "id", "file_name")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    file_name: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...

class DownloadVatArchiveRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class CheckVatFilesRequest(_message.Message):
    __slots__ = ("files",)
    class FilesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: bytes
        def __init__(self, key: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...
    FILES_FIELD_NUMBER: _ClassVar[int]
    files: _containers.ScalarMap[str, bytes]
    def __init__(self, files: _Optional[_Mapping[str, bytes]] = ...) -> None: ...

class VatFileProblem(_message.Message):
    __slots__ = ("file", "record", "field", "message", "severity")
    class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SEVERITY_UNSPECIFIED: _ClassVar[VatFileProblem.Severity]
        SEVERITY_ERROR: _ClassVar[VatFileProblem.Severity]
        SEVERITY_WARNING: _ClassVar[VatFileProblem.Severity]
    SEVERITY_UNSPECIFIED: VatFileProblem.Severity
    SEVERITY_ERROR: VatFileProblem.Severity
    SEVERITY_WARNING: VatFileProblem.Severity
    FILE_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    file: str
    record: int
    field: str
    message: str
    severity: VatFileProblem.Severity
    def __init__(self, file: _Optional[str] = ..., record: _Optional[int] = ..., field: _Optional[str] = ..., message: _Optional[str] = ..., severity: _Optional[_Union[VatFileProblem.Severity, str]] = ...) -> None: ...

class CheckVatFilesResponse(_message.Message):
    __slots__ = ("ok", "problems", "records", "cells")
    class RecordsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class CellsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    OK_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    problems: _containers.RepeatedCompositeFieldContainer[VatFileProblem]
    records: _containers.ScalarMap[str, int]
    cells: _containers.ScalarMap[str, str]
    def __init__(self, ok: _Optional[bool] = ..., problems: _Optional[_Iterable[_Union[VatFileProblem, _Mapping]]] = ..., records: _Optional[_Mapping[str, int]] = ..., cells: _Optional[_Mapping[str, str]] = ...) -> None: ...
