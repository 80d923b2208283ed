import datetime

from baraba.access.v1 import access_pb2 as _access_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from validate import validate_pb2 as _validate_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InvoiceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVOICE_STATUS_UNSPECIFIED: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_QUEUED: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_PROCESSING: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_PENDING: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_APPROVED: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_REJECTED: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_FAILED: _ClassVar[InvoiceStatus]
    INVOICE_STATUS_CANCELLED: _ClassVar[InvoiceStatus]

class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIRECTION_UNSPECIFIED: _ClassVar[Direction]
    DIRECTION_PURCHASE: _ClassVar[Direction]
    DIRECTION_SALE: _ClassVar[Direction]

class SessionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_STATUS_UNSPECIFIED: _ClassVar[SessionStatus]
    SESSION_STATUS_PROCESSING: _ClassVar[SessionStatus]
    SESSION_STATUS_COMPLETED: _ClassVar[SessionStatus]
    SESSION_STATUS_CANCELLED: _ClassVar[SessionStatus]
INVOICE_STATUS_UNSPECIFIED: InvoiceStatus
INVOICE_STATUS_QUEUED: InvoiceStatus
INVOICE_STATUS_PROCESSING: InvoiceStatus
INVOICE_STATUS_PENDING: InvoiceStatus
INVOICE_STATUS_APPROVED: InvoiceStatus
INVOICE_STATUS_REJECTED: InvoiceStatus
INVOICE_STATUS_FAILED: InvoiceStatus
INVOICE_STATUS_CANCELLED: InvoiceStatus
DIRECTION_UNSPECIFIED: Direction
DIRECTION_PURCHASE: Direction
DIRECTION_SALE: Direction
SESSION_STATUS_UNSPECIFIED: SessionStatus
SESSION_STATUS_PROCESSING: SessionStatus
SESSION_STATUS_COMPLETED: SessionStatus
SESSION_STATUS_CANCELLED: SessionStatus

class InvoiceFields(_message.Message):
    __slots__ = ("document_type", "number", "issue_date", "tax_event_date", "supplier_name", "supplier_eik", "supplier_vat_number", "recipient_name", "recipient_eik", "recipient_vat_number", "tax_base", "vat_rate", "vat_amount", "total", "currency", "iban")
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DATE_FIELD_NUMBER: _ClassVar[int]
    TAX_EVENT_DATE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_NAME_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_EIK_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_EIK_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TAX_BASE_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    VAT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    IBAN_FIELD_NUMBER: _ClassVar[int]
    document_type: str
    number: str
    issue_date: str
    tax_event_date: str
    supplier_name: str
    supplier_eik: str
    supplier_vat_number: str
    recipient_name: str
    recipient_eik: str
    recipient_vat_number: str
    tax_base: str
    vat_rate: str
    vat_amount: str
    total: str
    currency: str
    iban: str
    def __init__(self, document_type: _Optional[str] = ..., number: _Optional[str] = ..., issue_date: _Optional[str] = ..., tax_event_date: _Optional[str] = ..., supplier_name: _Optional[str] = ..., supplier_eik: _Optional[str] = ..., supplier_vat_number: _Optional[str] = ..., recipient_name: _Optional[str] = ..., recipient_eik: _Optional[str] = ..., recipient_vat_number: _Optional[str] = ..., tax_base: _Optional[str] = ..., vat_rate: _Optional[str] = ..., vat_amount: _Optional[str] = ..., total: _Optional[str] = ..., currency: _Optional[str] = ..., iban: _Optional[str] = ...) -> None: ...

class FieldEvidence(_message.Message):
    __slots__ = ("field", "value", "confidence", "source", "page", "x0", "y0", "x1", "y1", "text")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    X0_FIELD_NUMBER: _ClassVar[int]
    Y0_FIELD_NUMBER: _ClassVar[int]
    X1_FIELD_NUMBER: _ClassVar[int]
    Y1_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: str
    confidence: float
    source: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    def __init__(self, field: _Optional[str] = ..., value: _Optional[str] = ..., confidence: _Optional[float] = ..., source: _Optional[str] = ..., page: _Optional[int] = ..., x0: _Optional[float] = ..., y0: _Optional[float] = ..., x1: _Optional[float] = ..., y1: _Optional[float] = ..., text: _Optional[str] = ...) -> None: ...

class VatCheck(_message.Message):
    __slots__ = ("vat_number", "party", "status", "name", "address", "error", "checked_at")
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    vat_number: str
    party: str
    status: str
    name: str
    address: str
    error: str
    checked_at: _timestamp_pb2.Timestamp
    def __init__(self, vat_number: _Optional[str] = ..., party: _Optional[str] = ..., status: _Optional[str] = ..., name: _Optional[str] = ..., address: _Optional[str] = ..., error: _Optional[str] = ..., checked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ScannedInvoice(_message.Message):
    __slots__ = ("id", "company_id", "session_id", "file_name", "content_type", "file_size", "status", "direction", "source", "empty_reason", "fields", "evidence", "confidence", "requires_review", "review_reasons", "vat_checks", "journal_entry_id", "counterpart_id", "reject_reason", "error", "created_at", "updated_at", "line_items")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_SIZE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EMPTY_REASON_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_REVIEW_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REASONS_FIELD_NUMBER: _ClassVar[int]
    VAT_CHECKS_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEMS_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    session_id: str
    file_name: str
    content_type: str
    file_size: int
    status: InvoiceStatus
    direction: Direction
    source: str
    empty_reason: str
    fields: InvoiceFields
    evidence: _containers.RepeatedCompositeFieldContainer[FieldEvidence]
    confidence: float
    requires_review: bool
    review_reasons: _containers.RepeatedScalarFieldContainer[str]
    vat_checks: _containers.RepeatedCompositeFieldContainer[VatCheck]
    journal_entry_id: str
    counterpart_id: str
    reject_reason: str
    error: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    line_items: _containers.RepeatedCompositeFieldContainer[LineItem]
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., session_id: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., file_size: _Optional[int] = ..., status: _Optional[_Union[InvoiceStatus, str]] = ..., direction: _Optional[_Union[Direction, str]] = ..., source: _Optional[str] = ..., empty_reason: _Optional[str] = ..., fields: _Optional[_Union[InvoiceFields, _Mapping]] = ..., evidence: _Optional[_Iterable[_Union[FieldEvidence, _Mapping]]] = ..., confidence: _Optional[float] = ..., requires_review: _Optional[bool] = ..., review_reasons: _Optional[_Iterable[str]] = ..., vat_checks: _Optional[_Iterable[_Union[VatCheck, _Mapping]]] = ..., journal_entry_id: _Optional[str] = ..., counterpart_id: _Optional[str] = ..., reject_reason: _Optional[str] = ..., error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., line_items: _Optional[_Iterable[_Union[LineItem, _Mapping]]] = ...) -> None: ...

class LineItem(_message.Message):
    __slots__ = ("description", "quantity", "unit", "unit_price", "amount", "vat_rate", "confidence", "page")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    vat_rate: str
    confidence: float
    page: int
    def __init__(self, description: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., unit_price: _Optional[str] = ..., amount: _Optional[str] = ..., vat_rate: _Optional[str] = ..., confidence: _Optional[float] = ..., page: _Optional[int] = ...) -> None: ...

class ScanSession(_message.Message):
    __slots__ = ("id", "company_id", "status", "total_files", "done_files", "failed_files", "progress_percent", "invoices", "created_at", "completed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FILES_FIELD_NUMBER: _ClassVar[int]
    DONE_FILES_FIELD_NUMBER: _ClassVar[int]
    FAILED_FILES_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    INVOICES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    status: SessionStatus
    total_files: int
    done_files: int
    failed_files: int
    progress_percent: int
    invoices: _containers.RepeatedCompositeFieldContainer[ScannedInvoice]
    created_at: _timestamp_pb2.Timestamp
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., status: _Optional[_Union[SessionStatus, str]] = ..., total_files: _Optional[int] = ..., done_files: _Optional[int] = ..., failed_files: _Optional[int] = ..., progress_percent: _Optional[int] = ..., invoices: _Optional[_Iterable[_Union[ScannedInvoice, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecognitionSettings(_message.Message):
    __slots__ = ("company_id", "engine", "azure_endpoint", "azure_key_set")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    AZURE_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    AZURE_KEY_SET_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    engine: str
    azure_endpoint: str
    azure_key_set: bool
    def __init__(self, company_id: _Optional[str] = ..., engine: _Optional[str] = ..., azure_endpoint: _Optional[str] = ..., azure_key_set: _Optional[bool] = ...) -> None: ...

class ScanInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "file", "file_name")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    file: _httpbody_pb2.HttpBody
    file_name: str
    def __init__(self, company_id: _Optional[str] = ..., file: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., file_name: _Optional[str] = ...) -> None: ...

class StartScanSessionRequest(_message.Message):
    __slots__ = ("company_id", "files")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    files: _httpbody_pb2.HttpBody
    def __init__(self, company_id: _Optional[str] = ..., files: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class GetScanSessionRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class ListScanSessionsRequest(_message.Message):
    __slots__ = ("company_id", "page_size", "page_token")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    page_size: int
    page_token: str
    def __init__(self, company_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListScanSessionsResponse(_message.Message):
    __slots__ = ("scan_sessions", "next_page_token")
    SCAN_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    scan_sessions: _containers.RepeatedCompositeFieldContainer[ScanSession]
    next_page_token: str
    def __init__(self, scan_sessions: _Optional[_Iterable[_Union[ScanSession, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelScanSessionRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class UpdateRecognitionSettingsRequest(_message.Message):
    __slots__ = ("company_id", "engine", "azure_endpoint", "azure_key")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    AZURE_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    AZURE_KEY_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    engine: str
    azure_endpoint: str
    azure_key: str
    def __init__(self, company_id: _Optional[str] = ..., engine: _Optional[str] = ..., azure_endpoint: _Optional[str] = ..., azure_key: _Optional[str] = ...) -> None: ...

class GetRecognitionSettingsRequest(_message.Message):
    __slots__ = ("company_id",)
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    def __init__(self, company_id: _Optional[str] = ...) -> None: ...

class ListScannedInvoicesRequest(_message.Message):
    __slots__ = ("company_id", "page_size", "page_token", "status")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    page_size: int
    page_token: str
    status: InvoiceStatus
    def __init__(self, company_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[InvoiceStatus, str]] = ...) -> None: ...

class ListScannedInvoicesResponse(_message.Message):
    __slots__ = ("scanned_invoices", "next_page_token")
    SCANNED_INVOICES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    scanned_invoices: _containers.RepeatedCompositeFieldContainer[ScannedInvoice]
    next_page_token: str
    def __init__(self, scanned_invoices: _Optional[_Iterable[_Union[ScannedInvoice, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetScannedInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class GetNextPendingInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "current_id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    current_id: str
    def __init__(self, company_id: _Optional[str] = ..., current_id: _Optional[str] = ...) -> None: ...

class InvoiceFieldsInput(_message.Message):
    __slots__ = ("document_type", "number", "issue_date", "tax_event_date", "supplier_name", "supplier_eik", "supplier_vat_number", "recipient_name", "recipient_eik", "recipient_vat_number", "tax_base", "vat_rate", "vat_amount", "total", "currency", "iban")
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    ISSUE_DATE_FIELD_NUMBER: _ClassVar[int]
    TAX_EVENT_DATE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_NAME_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_EIK_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_EIK_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TAX_BASE_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    VAT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    IBAN_FIELD_NUMBER: _ClassVar[int]
    document_type: str
    number: str
    issue_date: str
    tax_event_date: str
    supplier_name: str
    supplier_eik: str
    supplier_vat_number: str
    recipient_name: str
    recipient_eik: str
    recipient_vat_number: str
    tax_base: str
    vat_rate: str
    vat_amount: str
    total: str
    currency: str
    iban: str
    def __init__(self, document_type: _Optional[str] = ..., number: _Optional[str] = ..., issue_date: _Optional[str] = ..., tax_event_date: _Optional[str] = ..., supplier_name: _Optional[str] = ..., supplier_eik: _Optional[str] = ..., supplier_vat_number: _Optional[str] = ..., recipient_name: _Optional[str] = ..., recipient_eik: _Optional[str] = ..., recipient_vat_number: _Optional[str] = ..., tax_base: _Optional[str] = ..., vat_rate: _Optional[str] = ..., vat_amount: _Optional[str] = ..., total: _Optional[str] = ..., currency: _Optional[str] = ..., iban: _Optional[str] = ...) -> None: ...

class UpdateScannedInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "id", "fields", "direction", "line_items")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEMS_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    fields: InvoiceFieldsInput
    direction: Direction
    line_items: LineItemsInput
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., fields: _Optional[_Union[InvoiceFieldsInput, _Mapping]] = ..., direction: _Optional[_Union[Direction, str]] = ..., line_items: _Optional[_Union[LineItemsInput, _Mapping]] = ...) -> None: ...

class LineItemsInput(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[LineItemInput]
    def __init__(self, items: _Optional[_Iterable[_Union[LineItemInput, _Mapping]]] = ...) -> None: ...

class LineItemInput(_message.Message):
    __slots__ = ("description", "quantity", "unit", "unit_price", "amount", "vat_rate")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    description: str
    quantity: str
    unit: str
    unit_price: str
    amount: str
    vat_rate: str
    def __init__(self, description: _Optional[str] = ..., quantity: _Optional[str] = ..., unit: _Optional[str] = ..., unit_price: _Optional[str] = ..., amount: _Optional[str] = ..., vat_rate: _Optional[str] = ...) -> None: ...

class CheckScannedInvoiceVatRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class RejectScannedInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "id", "reason")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    reason: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ApproveScannedInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "id", "account_code")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    account_code: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., account_code: _Optional[str] = ...) -> None: ...

class DeleteScannedInvoiceRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class DownloadOriginalRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...
