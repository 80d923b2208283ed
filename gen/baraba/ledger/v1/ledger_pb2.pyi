import datetime

from baraba.access.v1 import access_pb2 as _access_pb2
from google.api import annotations_pb2 as _annotations_pb2
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

class JournalEntryView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOURNAL_ENTRY_VIEW_UNSPECIFIED: _ClassVar[JournalEntryView]
    JOURNAL_ENTRY_VIEW_BASIC: _ClassVar[JournalEntryView]
    JOURNAL_ENTRY_VIEW_FULL: _ClassVar[JournalEntryView]
JOURNAL_ENTRY_VIEW_UNSPECIFIED: JournalEntryView
JOURNAL_ENTRY_VIEW_BASIC: JournalEntryView
JOURNAL_ENTRY_VIEW_FULL: JournalEntryView

class Company(_message.Message):
    __slots__ = ("id", "name", "eik", "vat_number", "is_vat_registered", "is_intrastat_registered", "address", "city", "country", "post_code", "phone", "email", "website", "nap_office", "vat_period", "currency", "fiscal_year_start_month", "representative_type", "representative_name", "representative_eik", "vies_validation_enabled", "cash_account_id", "bank_account_id", "customers_account_id", "suppliers_account_id", "vat_payable_account_id", "vat_receivable_account_id", "expenses_account_id", "revenues_account_id", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EIK_FIELD_NUMBER: _ClassVar[int]
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    IS_VAT_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    IS_INTRASTAT_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    POST_CODE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    NAP_OFFICE_FIELD_NUMBER: _ClassVar[int]
    VAT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FISCAL_YEAR_START_MONTH_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_TYPE_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_NAME_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_EIK_FIELD_NUMBER: _ClassVar[int]
    VIES_VALIDATION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    CASH_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    BANK_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIERS_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VAT_PAYABLE_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VAT_RECEIVABLE_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPENSES_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REVENUES_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    eik: str
    vat_number: str
    is_vat_registered: bool
    is_intrastat_registered: bool
    address: str
    city: str
    country: str
    post_code: str
    phone: str
    email: str
    website: str
    nap_office: str
    vat_period: str
    currency: str
    fiscal_year_start_month: int
    representative_type: str
    representative_name: str
    representative_eik: str
    vies_validation_enabled: bool
    cash_account_id: str
    bank_account_id: str
    customers_account_id: str
    suppliers_account_id: str
    vat_payable_account_id: str
    vat_receivable_account_id: str
    expenses_account_id: str
    revenues_account_id: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., eik: _Optional[str] = ..., vat_number: _Optional[str] = ..., is_vat_registered: _Optional[bool] = ..., is_intrastat_registered: _Optional[bool] = ..., address: _Optional[str] = ..., city: _Optional[str] = ..., country: _Optional[str] = ..., post_code: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., website: _Optional[str] = ..., nap_office: _Optional[str] = ..., vat_period: _Optional[str] = ..., currency: _Optional[str] = ..., fiscal_year_start_month: _Optional[int] = ..., representative_type: _Optional[str] = ..., representative_name: _Optional[str] = ..., representative_eik: _Optional[str] = ..., vies_validation_enabled: _Optional[bool] = ..., cash_account_id: _Optional[str] = ..., bank_account_id: _Optional[str] = ..., customers_account_id: _Optional[str] = ..., suppliers_account_id: _Optional[str] = ..., vat_payable_account_id: _Optional[str] = ..., vat_receivable_account_id: _Optional[str] = ..., expenses_account_id: _Optional[str] = ..., revenues_account_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CompanyInput(_message.Message):
    __slots__ = ("name", "eik", "vat_number", "is_vat_registered", "is_intrastat_registered", "address", "city", "country", "post_code", "phone", "email", "website", "nap_office", "vat_period", "currency", "fiscal_year_start_month", "representative_type", "representative_name", "representative_eik", "vies_validation_enabled", "cash_account_id", "bank_account_id", "customers_account_id", "suppliers_account_id", "vat_payable_account_id", "vat_receivable_account_id", "expenses_account_id", "revenues_account_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EIK_FIELD_NUMBER: _ClassVar[int]
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    IS_VAT_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    IS_INTRASTAT_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    POST_CODE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    NAP_OFFICE_FIELD_NUMBER: _ClassVar[int]
    VAT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FISCAL_YEAR_START_MONTH_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_TYPE_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_NAME_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_EIK_FIELD_NUMBER: _ClassVar[int]
    VIES_VALIDATION_ENABLED_FIELD_NUMBER: _ClassVar[int]
    CASH_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    BANK_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SUPPLIERS_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VAT_PAYABLE_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VAT_RECEIVABLE_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPENSES_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REVENUES_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    eik: str
    vat_number: str
    is_vat_registered: bool
    is_intrastat_registered: bool
    address: str
    city: str
    country: str
    post_code: str
    phone: str
    email: str
    website: str
    nap_office: str
    vat_period: str
    currency: str
    fiscal_year_start_month: int
    representative_type: str
    representative_name: str
    representative_eik: str
    vies_validation_enabled: bool
    cash_account_id: str
    bank_account_id: str
    customers_account_id: str
    suppliers_account_id: str
    vat_payable_account_id: str
    vat_receivable_account_id: str
    expenses_account_id: str
    revenues_account_id: str
    def __init__(self, name: _Optional[str] = ..., eik: _Optional[str] = ..., vat_number: _Optional[str] = ..., is_vat_registered: _Optional[bool] = ..., is_intrastat_registered: _Optional[bool] = ..., address: _Optional[str] = ..., city: _Optional[str] = ..., country: _Optional[str] = ..., post_code: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., website: _Optional[str] = ..., nap_office: _Optional[str] = ..., vat_period: _Optional[str] = ..., currency: _Optional[str] = ..., fiscal_year_start_month: _Optional[int] = ..., representative_type: _Optional[str] = ..., representative_name: _Optional[str] = ..., representative_eik: _Optional[str] = ..., vies_validation_enabled: _Optional[bool] = ..., cash_account_id: _Optional[str] = ..., bank_account_id: _Optional[str] = ..., customers_account_id: _Optional[str] = ..., suppliers_account_id: _Optional[str] = ..., vat_payable_account_id: _Optional[str] = ..., vat_receivable_account_id: _Optional[str] = ..., expenses_account_id: _Optional[str] = ..., revenues_account_id: _Optional[str] = ...) -> None: ...

class ListCompaniesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCompaniesResponse(_message.Message):
    __slots__ = ("companies", "next_page_token", "total_size")
    COMPANIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    companies: _containers.RepeatedCompositeFieldContainer[Company]
    next_page_token: str
    total_size: int
    def __init__(self, companies: _Optional[_Iterable[_Union[Company, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetCompanyRequest(_message.Message):
    __slots__ = ("company_id",)
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    def __init__(self, company_id: _Optional[str] = ...) -> None: ...

class CreateCompanyRequest(_message.Message):
    __slots__ = ("company", "with_standard_chart", "request_id")
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    WITH_STANDARD_CHART_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    company: CompanyInput
    with_standard_chart: bool
    request_id: str
    def __init__(self, company: _Optional[_Union[CompanyInput, _Mapping]] = ..., with_standard_chart: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateCompanyRequest(_message.Message):
    __slots__ = ("company_id", "company")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    company: CompanyInput
    def __init__(self, company_id: _Optional[str] = ..., company: _Optional[_Union[CompanyInput, _Mapping]] = ...) -> None: ...

class DeleteCompanyRequest(_message.Message):
    __slots__ = ("company_id",)
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    def __init__(self, company_id: _Optional[str] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("id", "company_id", "code", "name", "description", "account_type", "account_class", "level", "parent_id", "is_active", "is_system", "is_analytical", "vat_applicable", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_CLASS_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    IS_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    IS_ANALYTICAL_FIELD_NUMBER: _ClassVar[int]
    VAT_APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    code: str
    name: str
    description: str
    account_type: str
    account_class: str
    level: int
    parent_id: str
    is_active: bool
    is_system: bool
    is_analytical: bool
    vat_applicable: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., code: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., account_type: _Optional[str] = ..., account_class: _Optional[str] = ..., level: _Optional[int] = ..., parent_id: _Optional[str] = ..., is_active: _Optional[bool] = ..., is_system: _Optional[bool] = ..., is_analytical: _Optional[bool] = ..., vat_applicable: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AccountInput(_message.Message):
    __slots__ = ("code", "name", "description", "account_type", "parent_id", "is_active", "is_analytical", "vat_applicable")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    IS_ANALYTICAL_FIELD_NUMBER: _ClassVar[int]
    VAT_APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    description: str
    account_type: str
    parent_id: str
    is_active: bool
    is_analytical: bool
    vat_applicable: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., account_type: _Optional[str] = ..., parent_id: _Optional[str] = ..., is_active: _Optional[bool] = ..., is_analytical: _Optional[bool] = ..., vat_applicable: _Optional[str] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("company_id", "page_size", "page_token", "code_prefix", "include_inactive")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CODE_PREFIX_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    page_size: int
    page_token: str
    code_prefix: str
    include_inactive: bool
    def __init__(self, company_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., code_prefix: _Optional[str] = ..., include_inactive: _Optional[bool] = ...) -> None: ...

class ListAccountsResponse(_message.Message):
    __slots__ = ("accounts", "next_page_token", "total_size")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    next_page_token: str
    total_size: int
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class CreateAccountRequest(_message.Message):
    __slots__ = ("company_id", "account", "request_id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    account: AccountInput
    request_id: str
    def __init__(self, company_id: _Optional[str] = ..., account: _Optional[_Union[AccountInput, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateAccountRequest(_message.Message):
    __slots__ = ("company_id", "id", "account")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    account: AccountInput
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., account: _Optional[_Union[AccountInput, _Mapping]] = ...) -> None: ...

class DeleteAccountRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class Counterpart(_message.Message):
    __slots__ = ("id", "company_id", "name", "eik", "vat_number", "address", "city", "post_code", "country", "phone", "email", "website", "contact_person", "notes", "is_customer", "is_supplier", "is_employee", "is_vat_registered", "is_eu_registered", "vat_validated", "vat_validated_at", "vies_status", "vies_name", "vies_address", "payment_terms_days", "payment_method", "iban", "bank_name", "swift", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EIK_FIELD_NUMBER: _ClassVar[int]
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    POST_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PERSON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    IS_CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    IS_SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    IS_EMPLOYEE_FIELD_NUMBER: _ClassVar[int]
    IS_VAT_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    IS_EU_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    VAT_VALIDATED_FIELD_NUMBER: _ClassVar[int]
    VAT_VALIDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VIES_STATUS_FIELD_NUMBER: _ClassVar[int]
    VIES_NAME_FIELD_NUMBER: _ClassVar[int]
    VIES_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_TERMS_DAYS_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    IBAN_FIELD_NUMBER: _ClassVar[int]
    BANK_NAME_FIELD_NUMBER: _ClassVar[int]
    SWIFT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    name: str
    eik: str
    vat_number: str
    address: str
    city: str
    post_code: str
    country: str
    phone: str
    email: str
    website: str
    contact_person: str
    notes: str
    is_customer: bool
    is_supplier: bool
    is_employee: bool
    is_vat_registered: bool
    is_eu_registered: bool
    vat_validated: bool
    vat_validated_at: _timestamp_pb2.Timestamp
    vies_status: str
    vies_name: str
    vies_address: str
    payment_terms_days: int
    payment_method: str
    iban: str
    bank_name: str
    swift: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., name: _Optional[str] = ..., eik: _Optional[str] = ..., vat_number: _Optional[str] = ..., address: _Optional[str] = ..., city: _Optional[str] = ..., post_code: _Optional[str] = ..., country: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., website: _Optional[str] = ..., contact_person: _Optional[str] = ..., notes: _Optional[str] = ..., is_customer: _Optional[bool] = ..., is_supplier: _Optional[bool] = ..., is_employee: _Optional[bool] = ..., is_vat_registered: _Optional[bool] = ..., is_eu_registered: _Optional[bool] = ..., vat_validated: _Optional[bool] = ..., vat_validated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., vies_status: _Optional[str] = ..., vies_name: _Optional[str] = ..., vies_address: _Optional[str] = ..., payment_terms_days: _Optional[int] = ..., payment_method: _Optional[str] = ..., iban: _Optional[str] = ..., bank_name: _Optional[str] = ..., swift: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CounterpartInput(_message.Message):
    __slots__ = ("name", "eik", "vat_number", "address", "city", "post_code", "country", "phone", "email", "website", "contact_person", "notes", "is_customer", "is_supplier", "is_employee", "is_vat_registered", "is_eu_registered", "payment_terms_days", "payment_method", "iban", "bank_name", "swift")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EIK_FIELD_NUMBER: _ClassVar[int]
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    POST_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PERSON_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    IS_CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    IS_SUPPLIER_FIELD_NUMBER: _ClassVar[int]
    IS_EMPLOYEE_FIELD_NUMBER: _ClassVar[int]
    IS_VAT_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    IS_EU_REGISTERED_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_TERMS_DAYS_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    IBAN_FIELD_NUMBER: _ClassVar[int]
    BANK_NAME_FIELD_NUMBER: _ClassVar[int]
    SWIFT_FIELD_NUMBER: _ClassVar[int]
    name: str
    eik: str
    vat_number: str
    address: str
    city: str
    post_code: str
    country: str
    phone: str
    email: str
    website: str
    contact_person: str
    notes: str
    is_customer: bool
    is_supplier: bool
    is_employee: bool
    is_vat_registered: bool
    is_eu_registered: bool
    payment_terms_days: int
    payment_method: str
    iban: str
    bank_name: str
    swift: str
    def __init__(self, name: _Optional[str] = ..., eik: _Optional[str] = ..., vat_number: _Optional[str] = ..., address: _Optional[str] = ..., city: _Optional[str] = ..., post_code: _Optional[str] = ..., country: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., website: _Optional[str] = ..., contact_person: _Optional[str] = ..., notes: _Optional[str] = ..., is_customer: _Optional[bool] = ..., is_supplier: _Optional[bool] = ..., is_employee: _Optional[bool] = ..., is_vat_registered: _Optional[bool] = ..., is_eu_registered: _Optional[bool] = ..., payment_terms_days: _Optional[int] = ..., payment_method: _Optional[str] = ..., iban: _Optional[str] = ..., bank_name: _Optional[str] = ..., swift: _Optional[str] = ...) -> None: ...

class ListCounterpartsRequest(_message.Message):
    __slots__ = ("company_id", "page_size", "page_token", "customers_only", "suppliers_only", "vat_registered_only")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_ONLY_FIELD_NUMBER: _ClassVar[int]
    SUPPLIERS_ONLY_FIELD_NUMBER: _ClassVar[int]
    VAT_REGISTERED_ONLY_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    page_size: int
    page_token: str
    customers_only: bool
    suppliers_only: bool
    vat_registered_only: bool
    def __init__(self, company_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., customers_only: _Optional[bool] = ..., suppliers_only: _Optional[bool] = ..., vat_registered_only: _Optional[bool] = ...) -> None: ...

class ListCounterpartsResponse(_message.Message):
    __slots__ = ("counterparts", "next_page_token", "total_size")
    COUNTERPARTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    counterparts: _containers.RepeatedCompositeFieldContainer[Counterpart]
    next_page_token: str
    total_size: int
    def __init__(self, counterparts: _Optional[_Iterable[_Union[Counterpart, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class SearchCounterpartsRequest(_message.Message):
    __slots__ = ("company_id", "q", "page_size")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    Q_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    q: str
    page_size: int
    def __init__(self, company_id: _Optional[str] = ..., q: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class SearchCounterpartsResponse(_message.Message):
    __slots__ = ("counterparts",)
    COUNTERPARTS_FIELD_NUMBER: _ClassVar[int]
    counterparts: _containers.RepeatedCompositeFieldContainer[Counterpart]
    def __init__(self, counterparts: _Optional[_Iterable[_Union[Counterpart, _Mapping]]] = ...) -> None: ...

class GetCounterpartRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class CreateCounterpartRequest(_message.Message):
    __slots__ = ("company_id", "counterpart", "request_id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    counterpart: CounterpartInput
    request_id: str
    def __init__(self, company_id: _Optional[str] = ..., counterpart: _Optional[_Union[CounterpartInput, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateCounterpartRequest(_message.Message):
    __slots__ = ("company_id", "id", "counterpart")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    counterpart: CounterpartInput
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., counterpart: _Optional[_Union[CounterpartInput, _Mapping]] = ...) -> None: ...

class DeleteCounterpartRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class ValidateCounterpartVatRequest(_message.Message):
    __slots__ = ("company_id", "vat_number")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    vat_number: str
    def __init__(self, company_id: _Optional[str] = ..., vat_number: _Optional[str] = ...) -> None: ...

class ValidateCounterpartVatResponse(_message.Message):
    __slots__ = ("exists", "counterpart_id", "valid", "name", "address", "country_code", "checked_at", "counterpart")
    EXISTS_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_FIELD_NUMBER: _ClassVar[int]
    exists: bool
    counterpart_id: str
    valid: bool
    name: str
    address: str
    country_code: str
    checked_at: _timestamp_pb2.Timestamp
    counterpart: Counterpart
    def __init__(self, exists: _Optional[bool] = ..., counterpart_id: _Optional[str] = ..., valid: _Optional[bool] = ..., name: _Optional[str] = ..., address: _Optional[str] = ..., country_code: _Optional[str] = ..., checked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., counterpart: _Optional[_Union[Counterpart, _Mapping]] = ...) -> None: ...

class VatRate(_message.Message):
    __slots__ = ("id", "company_id", "name", "percentage", "description", "is_active", "effective_from", "effective_to", "vat_code", "is_reverse_charge_applicable", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    VAT_CODE_FIELD_NUMBER: _ClassVar[int]
    IS_REVERSE_CHARGE_APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    name: str
    percentage: str
    description: str
    is_active: bool
    effective_from: str
    effective_to: str
    vat_code: str
    is_reverse_charge_applicable: bool
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., name: _Optional[str] = ..., percentage: _Optional[str] = ..., description: _Optional[str] = ..., is_active: _Optional[bool] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ..., vat_code: _Optional[str] = ..., is_reverse_charge_applicable: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VatRateInput(_message.Message):
    __slots__ = ("name", "percentage", "description", "is_active", "effective_from", "effective_to", "vat_code", "is_reverse_charge_applicable")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    VAT_CODE_FIELD_NUMBER: _ClassVar[int]
    IS_REVERSE_CHARGE_APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    percentage: str
    description: str
    is_active: bool
    effective_from: str
    effective_to: str
    vat_code: str
    is_reverse_charge_applicable: bool
    def __init__(self, name: _Optional[str] = ..., percentage: _Optional[str] = ..., description: _Optional[str] = ..., is_active: _Optional[bool] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ..., vat_code: _Optional[str] = ..., is_reverse_charge_applicable: _Optional[bool] = ...) -> None: ...

class ListVatRatesRequest(_message.Message):
    __slots__ = ("company_id", "active_only", "page_size", "page_token")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    active_only: bool
    page_size: int
    page_token: str
    def __init__(self, company_id: _Optional[str] = ..., active_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListVatRatesResponse(_message.Message):
    __slots__ = ("vat_rates", "next_page_token", "total_size")
    VAT_RATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    vat_rates: _containers.RepeatedCompositeFieldContainer[VatRate]
    next_page_token: str
    total_size: int
    def __init__(self, vat_rates: _Optional[_Iterable[_Union[VatRate, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetVatRateRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class CreateVatRateRequest(_message.Message):
    __slots__ = ("company_id", "vat_rate", "request_id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    vat_rate: VatRateInput
    request_id: str
    def __init__(self, company_id: _Optional[str] = ..., vat_rate: _Optional[_Union[VatRateInput, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateVatRateRequest(_message.Message):
    __slots__ = ("company_id", "id", "vat_rate")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    vat_rate: VatRateInput
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., vat_rate: _Optional[_Union[VatRateInput, _Mapping]] = ...) -> None: ...

class DeleteVatRateRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class JournalEntry(_message.Message):
    __slots__ = ("id", "company_id", "entry_number", "document_type", "document_number", "document_date", "accounting_date", "vat_date", "description", "counterpart_id", "currency", "purchase_operation", "sales_operation", "tax_base", "vat_amount", "vat_rate", "total_debit", "total_credit", "is_posted", "posted_at", "posted_by", "created_by", "lines", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRY_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTING_DATE_FIELD_NUMBER: _ClassVar[int]
    VAT_DATE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_OPERATION_FIELD_NUMBER: _ClassVar[int]
    SALES_OPERATION_FIELD_NUMBER: _ClassVar[int]
    TAX_BASE_FIELD_NUMBER: _ClassVar[int]
    VAT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DEBIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CREDIT_FIELD_NUMBER: _ClassVar[int]
    IS_POSTED_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    POSTED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    company_id: str
    entry_number: str
    document_type: str
    document_number: str
    document_date: str
    accounting_date: str
    vat_date: str
    description: str
    counterpart_id: str
    currency: str
    purchase_operation: str
    sales_operation: str
    tax_base: str
    vat_amount: str
    vat_rate: str
    total_debit: str
    total_credit: str
    is_posted: bool
    posted_at: _timestamp_pb2.Timestamp
    posted_by: str
    created_by: str
    lines: _containers.RepeatedCompositeFieldContainer[EntryLine]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., company_id: _Optional[str] = ..., entry_number: _Optional[str] = ..., document_type: _Optional[str] = ..., document_number: _Optional[str] = ..., document_date: _Optional[str] = ..., accounting_date: _Optional[str] = ..., vat_date: _Optional[str] = ..., description: _Optional[str] = ..., counterpart_id: _Optional[str] = ..., currency: _Optional[str] = ..., purchase_operation: _Optional[str] = ..., sales_operation: _Optional[str] = ..., tax_base: _Optional[str] = ..., vat_amount: _Optional[str] = ..., vat_rate: _Optional[str] = ..., total_debit: _Optional[str] = ..., total_credit: _Optional[str] = ..., is_posted: _Optional[bool] = ..., posted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., posted_by: _Optional[str] = ..., created_by: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[EntryLine, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EntryLine(_message.Message):
    __slots__ = ("id", "line_number", "account_id", "account_code", "account_name", "debit", "credit", "description", "counterpart_id", "quantity", "currency_code", "currency_amount", "exchange_rate")
    ID_FIELD_NUMBER: _ClassVar[int]
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_CODE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    DEBIT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_RATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    line_number: int
    account_id: str
    account_code: str
    account_name: str
    debit: str
    credit: str
    description: str
    counterpart_id: str
    quantity: str
    currency_code: str
    currency_amount: str
    exchange_rate: str
    def __init__(self, id: _Optional[str] = ..., line_number: _Optional[int] = ..., account_id: _Optional[str] = ..., account_code: _Optional[str] = ..., account_name: _Optional[str] = ..., debit: _Optional[str] = ..., credit: _Optional[str] = ..., description: _Optional[str] = ..., counterpart_id: _Optional[str] = ..., quantity: _Optional[str] = ..., currency_code: _Optional[str] = ..., currency_amount: _Optional[str] = ..., exchange_rate: _Optional[str] = ...) -> None: ...

class JournalEntryInput(_message.Message):
    __slots__ = ("document_type", "document_number", "document_date", "accounting_date", "vat_date", "description", "counterpart_id", "currency", "purchase_operation", "sales_operation", "tax_base", "vat_amount", "vat_rate", "lines")
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTING_DATE_FIELD_NUMBER: _ClassVar[int]
    VAT_DATE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_OPERATION_FIELD_NUMBER: _ClassVar[int]
    SALES_OPERATION_FIELD_NUMBER: _ClassVar[int]
    TAX_BASE_FIELD_NUMBER: _ClassVar[int]
    VAT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    document_type: str
    document_number: str
    document_date: str
    accounting_date: str
    vat_date: str
    description: str
    counterpart_id: str
    currency: str
    purchase_operation: str
    sales_operation: str
    tax_base: str
    vat_amount: str
    vat_rate: str
    lines: _containers.RepeatedCompositeFieldContainer[EntryLineInput]
    def __init__(self, document_type: _Optional[str] = ..., document_number: _Optional[str] = ..., document_date: _Optional[str] = ..., accounting_date: _Optional[str] = ..., vat_date: _Optional[str] = ..., description: _Optional[str] = ..., counterpart_id: _Optional[str] = ..., currency: _Optional[str] = ..., purchase_operation: _Optional[str] = ..., sales_operation: _Optional[str] = ..., tax_base: _Optional[str] = ..., vat_amount: _Optional[str] = ..., vat_rate: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[EntryLineInput, _Mapping]]] = ...) -> None: ...

class EntryLineInput(_message.Message):
    __slots__ = ("account_id", "debit", "credit", "description", "counterpart_id", "quantity", "currency_code", "currency_amount", "exchange_rate")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    DEBIT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_RATE_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    debit: str
    credit: str
    description: str
    counterpart_id: str
    quantity: str
    currency_code: str
    currency_amount: str
    exchange_rate: str
    def __init__(self, account_id: _Optional[str] = ..., debit: _Optional[str] = ..., credit: _Optional[str] = ..., description: _Optional[str] = ..., counterpart_id: _Optional[str] = ..., quantity: _Optional[str] = ..., currency_code: _Optional[str] = ..., currency_amount: _Optional[str] = ..., exchange_rate: _Optional[str] = ...) -> None: ...

class ListJournalEntriesRequest(_message.Message):
    __slots__ = ("company_id", "page_size", "page_token", "date_from", "date_to", "posted", "counterpart_id", "document_type", "view")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DATE_FROM_FIELD_NUMBER: _ClassVar[int]
    DATE_TO_FIELD_NUMBER: _ClassVar[int]
    POSTED_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    page_size: int
    page_token: str
    date_from: str
    date_to: str
    posted: bool
    counterpart_id: str
    document_type: str
    view: JournalEntryView
    def __init__(self, company_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., date_from: _Optional[str] = ..., date_to: _Optional[str] = ..., posted: _Optional[bool] = ..., counterpart_id: _Optional[str] = ..., document_type: _Optional[str] = ..., view: _Optional[_Union[JournalEntryView, str]] = ...) -> None: ...

class ListJournalEntriesResponse(_message.Message):
    __slots__ = ("journal_entries", "next_page_token", "total_size")
    JOURNAL_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    journal_entries: _containers.RepeatedCompositeFieldContainer[JournalEntry]
    next_page_token: str
    total_size: int
    def __init__(self, journal_entries: _Optional[_Iterable[_Union[JournalEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetJournalEntryRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class CreateJournalEntryRequest(_message.Message):
    __slots__ = ("company_id", "journal_entry", "request_id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    journal_entry: JournalEntryInput
    request_id: str
    def __init__(self, company_id: _Optional[str] = ..., journal_entry: _Optional[_Union[JournalEntryInput, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateJournalEntryRequest(_message.Message):
    __slots__ = ("company_id", "id", "journal_entry")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    JOURNAL_ENTRY_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    journal_entry: JournalEntryInput
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ..., journal_entry: _Optional[_Union[JournalEntryInput, _Mapping]] = ...) -> None: ...

class DeleteJournalEntryRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class PostJournalEntryRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class UnpostJournalEntryRequest(_message.Message):
    __slots__ = ("company_id", "id")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    id: str
    def __init__(self, company_id: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class StreamVatEntriesRequest(_message.Message):
    __slots__ = ("company_id", "period", "by_column")
    COMPANY_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    BY_COLUMN_FIELD_NUMBER: _ClassVar[int]
    company_id: str
    period: str
    by_column: bool
    def __init__(self, company_id: _Optional[str] = ..., period: _Optional[str] = ..., by_column: _Optional[bool] = ...) -> None: ...

class VatLedgerEntry(_message.Message):
    __slots__ = ("entry_id", "entry_number", "document_type", "document_number", "document_date", "vat_date", "description", "purchase_operation", "sales_operation", "tax_base", "vat_amount", "vat_rate", "currency", "counterpart_name", "counterpart_city", "counterpart_country", "counterpart_vat_number", "counterpart_eik")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRY_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    VAT_DATE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_OPERATION_FIELD_NUMBER: _ClassVar[int]
    SALES_OPERATION_FIELD_NUMBER: _ClassVar[int]
    TAX_BASE_FIELD_NUMBER: _ClassVar[int]
    VAT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_EIK_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    entry_number: str
    document_type: str
    document_number: str
    document_date: str
    vat_date: str
    description: str
    purchase_operation: str
    sales_operation: str
    tax_base: str
    vat_amount: str
    vat_rate: str
    currency: str
    counterpart_name: str
    counterpart_city: str
    counterpart_country: str
    counterpart_vat_number: str
    counterpart_eik: str
    def __init__(self, entry_id: _Optional[str] = ..., entry_number: _Optional[str] = ..., document_type: _Optional[str] = ..., document_number: _Optional[str] = ..., document_date: _Optional[str] = ..., vat_date: _Optional[str] = ..., description: _Optional[str] = ..., purchase_operation: _Optional[str] = ..., sales_operation: _Optional[str] = ..., tax_base: _Optional[str] = ..., vat_amount: _Optional[str] = ..., vat_rate: _Optional[str] = ..., currency: _Optional[str] = ..., counterpart_name: _Optional[str] = ..., counterpart_city: _Optional[str] = ..., counterpart_country: _Optional[str] = ..., counterpart_vat_number: _Optional[str] = ..., counterpart_eik: _Optional[str] = ...) -> None: ...

class VatLedgerEntryBatch(_message.Message):
    __slots__ = ("entries", "columns")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[VatLedgerEntry]
    columns: VatLedgerColumns
    def __init__(self, entries: _Optional[_Iterable[_Union[VatLedgerEntry, _Mapping]]] = ..., columns: _Optional[_Union[VatLedgerColumns, _Mapping]] = ...) -> None: ...

class VatLedgerColumns(_message.Message):
    __slots__ = ("entry_id", "entry_number", "document_type", "document_number", "document_date", "vat_date", "description", "purchase_operation", "sales_operation", "tax_base", "vat_amount", "vat_rate", "currency", "counterpart_name", "counterpart_city", "counterpart_country", "counterpart_vat_number", "counterpart_eik", "count")
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRY_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    VAT_DATE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_OPERATION_FIELD_NUMBER: _ClassVar[int]
    SALES_OPERATION_FIELD_NUMBER: _ClassVar[int]
    TAX_BASE_FIELD_NUMBER: _ClassVar[int]
    VAT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VAT_RATE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_CITY_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_VAT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    COUNTERPART_EIK_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    entry_id: str
    entry_number: str
    document_type: str
    document_number: str
    document_date: str
    vat_date: str
    description: str
    purchase_operation: str
    sales_operation: str
    tax_base: str
    vat_amount: str
    vat_rate: str
    currency: str
    counterpart_name: str
    counterpart_city: str
    counterpart_country: str
    counterpart_vat_number: str
    counterpart_eik: str
    count: int
    def __init__(self, entry_id: _Optional[str] = ..., entry_number: _Optional[str] = ..., document_type: _Optional[str] = ..., document_number: _Optional[str] = ..., document_date: _Optional[str] = ..., vat_date: _Optional[str] = ..., description: _Optional[str] = ..., purchase_operation: _Optional[str] = ..., sales_operation: _Optional[str] = ..., tax_base: _Optional[str] = ..., vat_amount: _Optional[str] = ..., vat_rate: _Optional[str] = ..., currency: _Optional[str] = ..., counterpart_name: _Optional[str] = ..., counterpart_city: _Optional[str] = ..., counterpart_country: _Optional[str] = ..., counterpart_vat_number: _Optional[str] = ..., counterpart_eik: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...
