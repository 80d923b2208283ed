from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Permission(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERMISSION_UNSPECIFIED: _ClassVar[Permission]
    PERMISSION_MANAGE_USERS: _ClassVar[Permission]
    PERMISSION_MANAGE_COMPANIES: _ClassVar[Permission]
    PERMISSION_POST_ENTRIES: _ClassVar[Permission]
    PERMISSION_VAT_RETURNS: _ClassVar[Permission]
    PERMISSION_SCANNING: _ClassVar[Permission]
    PERMISSION_VIEW_REPORTS: _ClassVar[Permission]
PERMISSION_UNSPECIFIED: Permission
PERMISSION_MANAGE_USERS: Permission
PERMISSION_MANAGE_COMPANIES: Permission
PERMISSION_POST_ENTRIES: Permission
PERMISSION_VAT_RETURNS: Permission
PERMISSION_SCANNING: Permission
PERMISSION_VIEW_REPORTS: Permission
ACCESS_FIELD_NUMBER: _ClassVar[int]
access: _descriptor.FieldDescriptor

class AccessRule(_message.Message):
    __slots__ = ("public", "permission", "internal", "company_field")
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_FIELD_NUMBER: _ClassVar[int]
    public: bool
    permission: Permission
    internal: bool
    company_field: str
    def __init__(self, public: _Optional[bool] = ..., permission: _Optional[_Union[Permission, str]] = ..., internal: _Optional[bool] = ..., company_field: _Optional[str] = ...) -> None: ...
