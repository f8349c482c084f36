from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FieldType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FIELD_TYPE_UNSPECIFIED: _ClassVar[FieldType]
    FIELD_TYPE_STRING: _ClassVar[FieldType]
    FIELD_TYPE_NUMBER: _ClassVar[FieldType]
    FIELD_TYPE_INTEGER: _ClassVar[FieldType]
    FIELD_TYPE_FLOAT: _ClassVar[FieldType]
    FIELD_TYPE_BOOLEAN: _ClassVar[FieldType]
    FIELD_TYPE_OBJECT: _ClassVar[FieldType]
    FIELD_TYPE_ARRAY: _ClassVar[FieldType]
    FIELD_TYPE_DATE: _ClassVar[FieldType]
    FIELD_TYPE_DATETIME: _ClassVar[FieldType]
    FIELD_TYPE_TEXT: _ClassVar[FieldType]
    FIELD_TYPE_IMAGE: _ClassVar[FieldType]
    FIELD_TYPE_AUDIO: _ClassVar[FieldType]
    FIELD_TYPE_VIDEO: _ClassVar[FieldType]
    FIELD_TYPE_PDF: _ClassVar[FieldType]
    FIELD_TYPE_EXCEL: _ClassVar[FieldType]
FIELD_TYPE_UNSPECIFIED: FieldType
FIELD_TYPE_STRING: FieldType
FIELD_TYPE_NUMBER: FieldType
FIELD_TYPE_INTEGER: FieldType
FIELD_TYPE_FLOAT: FieldType
FIELD_TYPE_BOOLEAN: FieldType
FIELD_TYPE_OBJECT: FieldType
FIELD_TYPE_ARRAY: FieldType
FIELD_TYPE_DATE: FieldType
FIELD_TYPE_DATETIME: FieldType
FIELD_TYPE_TEXT: FieldType
FIELD_TYPE_IMAGE: FieldType
FIELD_TYPE_AUDIO: FieldType
FIELD_TYPE_VIDEO: FieldType
FIELD_TYPE_PDF: FieldType
FIELD_TYPE_EXCEL: FieldType

class SchemaField(_message.Message):
    __slots__ = ("type", "description", "required", "items", "properties", "enum", "default", "examples")
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: SchemaField
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[SchemaField, _Mapping]] = ...) -> None: ...
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    ENUM_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    type: FieldType
    description: str
    required: bool
    items: SchemaField
    properties: _containers.MessageMap[str, SchemaField]
    enum: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    default: _struct_pb2.Value
    examples: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    def __init__(self, type: _Optional[_Union[FieldType, str]] = ..., description: _Optional[str] = ..., required: _Optional[bool] = ..., items: _Optional[_Union[SchemaField, _Mapping]] = ..., properties: _Optional[_Mapping[str, SchemaField]] = ..., enum: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ..., default: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., examples: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ...) -> None: ...

class BucketSchema(_message.Message):
    __slots__ = ("properties",)
    class PropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: SchemaField
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[SchemaField, _Mapping]] = ...) -> None: ...
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    properties: _containers.MessageMap[str, SchemaField]
    def __init__(self, properties: _Optional[_Mapping[str, SchemaField]] = ...) -> None: ...
