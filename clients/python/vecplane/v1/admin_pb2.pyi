import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ApiKeyRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    API_KEY_ROLE_UNSPECIFIED: _ClassVar[ApiKeyRole]
    API_KEY_ROLE_MEMBER: _ClassVar[ApiKeyRole]
    API_KEY_ROLE_ADMIN: _ClassVar[ApiKeyRole]
    API_KEY_ROLE_OPERATOR: _ClassVar[ApiKeyRole]
API_KEY_ROLE_UNSPECIFIED: ApiKeyRole
API_KEY_ROLE_MEMBER: ApiKeyRole
API_KEY_ROLE_ADMIN: ApiKeyRole
API_KEY_ROLE_OPERATOR: ApiKeyRole

class Organization(_message.Message):
    __slots__ = ("organization_id", "organization_name", "created_at")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    organization_name: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, organization_id: _Optional[str] = ..., organization_name: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ApiKey(_message.Message):
    __slots__ = ("key_id", "organization_id", "key_name", "admin", "created_at", "role")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    ADMIN_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    organization_id: str
    key_name: str
    admin: bool
    created_at: _timestamp_pb2.Timestamp
    role: ApiKeyRole
    def __init__(self, key_id: _Optional[str] = ..., organization_id: _Optional[str] = ..., key_name: _Optional[str] = ..., admin: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., role: _Optional[_Union[ApiKeyRole, str]] = ...) -> None: ...

class CreateOrganizationRequest(_message.Message):
    __slots__ = ("organization_name",)
    ORGANIZATION_NAME_FIELD_NUMBER: _ClassVar[int]
    organization_name: str
    def __init__(self, organization_name: _Optional[str] = ...) -> None: ...

class CreateOrganizationResponse(_message.Message):
    __slots__ = ("organization",)
    ORGANIZATION_FIELD_NUMBER: _ClassVar[int]
    organization: Organization
    def __init__(self, organization: _Optional[_Union[Organization, _Mapping]] = ...) -> None: ...

class CreateApiKeyRequest(_message.Message):
    __slots__ = ("organization_id", "key_name", "admin", "role")
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    ADMIN_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    organization_id: str
    key_name: str
    admin: bool
    role: ApiKeyRole
    def __init__(self, organization_id: _Optional[str] = ..., key_name: _Optional[str] = ..., admin: _Optional[bool] = ..., role: _Optional[_Union[ApiKeyRole, str]] = ...) -> None: ...

class CreateApiKeyResponse(_message.Message):
    __slots__ = ("api_key", "secret")
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    api_key: ApiKey
    secret: str
    def __init__(self, api_key: _Optional[_Union[ApiKey, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class DeleteApiKeyRequest(_message.Message):
    __slots__ = ("key_id",)
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    def __init__(self, key_id: _Optional[str] = ...) -> None: ...

class DeleteApiKeyResponse(_message.Message):
    __slots__ = ("key_id",)
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    def __init__(self, key_id: _Optional[str] = ...) -> None: ...
