from google.protobuf import struct_pb2 as _struct_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FilterOperator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FILTER_OPERATOR_UNSPECIFIED: _ClassVar[FilterOperator]
    FILTER_OPERATOR_EQ: _ClassVar[FilterOperator]
    FILTER_OPERATOR_NE: _ClassVar[FilterOperator]
    FILTER_OPERATOR_GT: _ClassVar[FilterOperator]
    FILTER_OPERATOR_LT: _ClassVar[FilterOperator]
    FILTER_OPERATOR_GTE: _ClassVar[FilterOperator]
    FILTER_OPERATOR_LTE: _ClassVar[FilterOperator]
    FILTER_OPERATOR_IN: _ClassVar[FilterOperator]
    FILTER_OPERATOR_NIN: _ClassVar[FilterOperator]
    FILTER_OPERATOR_CONTAINS: _ClassVar[FilterOperator]
    FILTER_OPERATOR_STARTS_WITH: _ClassVar[FilterOperator]
    FILTER_OPERATOR_ENDS_WITH: _ClassVar[FilterOperator]
    FILTER_OPERATOR_REGEX: _ClassVar[FilterOperator]
    FILTER_OPERATOR_EXISTS: _ClassVar[FilterOperator]
    FILTER_OPERATOR_IS_NULL: _ClassVar[FilterOperator]
    FILTER_OPERATOR_TEXT: _ClassVar[FilterOperator]
FILTER_OPERATOR_UNSPECIFIED: FilterOperator
FILTER_OPERATOR_EQ: FilterOperator
FILTER_OPERATOR_NE: FilterOperator
FILTER_OPERATOR_GT: FilterOperator
FILTER_OPERATOR_LT: FilterOperator
FILTER_OPERATOR_GTE: FilterOperator
FILTER_OPERATOR_LTE: FilterOperator
FILTER_OPERATOR_IN: FilterOperator
FILTER_OPERATOR_NIN: FilterOperator
FILTER_OPERATOR_CONTAINS: FilterOperator
FILTER_OPERATOR_STARTS_WITH: FilterOperator
FILTER_OPERATOR_ENDS_WITH: FilterOperator
FILTER_OPERATOR_REGEX: FilterOperator
FILTER_OPERATOR_EXISTS: FilterOperator
FILTER_OPERATOR_IS_NULL: FilterOperator
FILTER_OPERATOR_TEXT: FilterOperator

class LogicalOperator(_message.Message):
    __slots__ = ("all_of", "any_of", "none_of", "case_sensitive", "field", "operator", "value", "field_equals")
    ALL_OF_FIELD_NUMBER: _ClassVar[int]
    ANY_OF_FIELD_NUMBER: _ClassVar[int]
    NONE_OF_FIELD_NUMBER: _ClassVar[int]
    CASE_SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    FIELD_EQUALS_FIELD_NUMBER: _ClassVar[int]
    all_of: _containers.RepeatedCompositeFieldContainer[LogicalOperator]
    any_of: _containers.RepeatedCompositeFieldContainer[LogicalOperator]
    none_of: _containers.RepeatedCompositeFieldContainer[LogicalOperator]
    case_sensitive: bool
    field: str
    operator: FilterOperator
    value: _struct_pb2.Value
    field_equals: _struct_pb2.Struct
    def __init__(self, all_of: _Optional[_Iterable[_Union[LogicalOperator, _Mapping]]] = ..., any_of: _Optional[_Iterable[_Union[LogicalOperator, _Mapping]]] = ..., none_of: _Optional[_Iterable[_Union[LogicalOperator, _Mapping]]] = ..., case_sensitive: _Optional[bool] = ..., field: _Optional[str] = ..., operator: _Optional[_Union[FilterOperator, str]] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., field_equals: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
