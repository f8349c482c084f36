from google.api import field_behavior_pb2 as _field_behavior_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VectorType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VECTOR_TYPE_UNSPECIFIED: _ClassVar[VectorType]
    VECTOR_TYPE_DENSE: _ClassVar[VectorType]
    VECTOR_TYPE_SPARSE: _ClassVar[VectorType]

class VectorDistance(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VECTOR_DISTANCE_UNSPECIFIED: _ClassVar[VectorDistance]
    VECTOR_DISTANCE_COSINE: _ClassVar[VectorDistance]
    VECTOR_DISTANCE_DOT: _ClassVar[VectorDistance]
    VECTOR_DISTANCE_EUCLID: _ClassVar[VectorDistance]
    VECTOR_DISTANCE_MANHATTAN: _ClassVar[VectorDistance]

class VectorIndexType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VECTOR_INDEX_TYPE_UNSPECIFIED: _ClassVar[VectorIndexType]
    VECTOR_INDEX_TYPE_SINGLE: _ClassVar[VectorIndexType]
    VECTOR_INDEX_TYPE_MULTI: _ClassVar[VectorIndexType]

class PayloadIndexType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYLOAD_INDEX_TYPE_UNSPECIFIED: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_KEYWORD: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_INTEGER: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_FLOAT: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_BOOL: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_GEO: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_DATETIME: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_TEXT: _ClassVar[PayloadIndexType]
    PAYLOAD_INDEX_TYPE_UUID: _ClassVar[PayloadIndexType]
VECTOR_TYPE_UNSPECIFIED: VectorType
VECTOR_TYPE_DENSE: VectorType
VECTOR_TYPE_SPARSE: VectorType
VECTOR_DISTANCE_UNSPECIFIED: VectorDistance
VECTOR_DISTANCE_COSINE: VectorDistance
VECTOR_DISTANCE_DOT: VectorDistance
VECTOR_DISTANCE_EUCLID: VectorDistance
VECTOR_DISTANCE_MANHATTAN: VectorDistance
VECTOR_INDEX_TYPE_UNSPECIFIED: VectorIndexType
VECTOR_INDEX_TYPE_SINGLE: VectorIndexType
VECTOR_INDEX_TYPE_MULTI: VectorIndexType
PAYLOAD_INDEX_TYPE_UNSPECIFIED: PayloadIndexType
PAYLOAD_INDEX_TYPE_KEYWORD: PayloadIndexType
PAYLOAD_INDEX_TYPE_INTEGER: PayloadIndexType
PAYLOAD_INDEX_TYPE_FLOAT: PayloadIndexType
PAYLOAD_INDEX_TYPE_BOOL: PayloadIndexType
PAYLOAD_INDEX_TYPE_GEO: PayloadIndexType
PAYLOAD_INDEX_TYPE_DATETIME: PayloadIndexType
PAYLOAD_INDEX_TYPE_TEXT: PayloadIndexType
PAYLOAD_INDEX_TYPE_UUID: PayloadIndexType

class VectorIndex(_message.Message):
    __slots__ = ("dimensions", "type", "distance", "description")
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    dimensions: int
    type: VectorType
    distance: VectorDistance
    description: str
    def __init__(self, dimensions: _Optional[int] = ..., type: _Optional[_Union[VectorType, str]] = ..., distance: _Optional[_Union[VectorDistance, str]] = ..., description: _Optional[str] = ...) -> None: ...

class VectorIndexDefinition(_message.Message):
    __slots__ = ("name", "description", "type", "index", "feature_extractor_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    type: VectorIndexType
    index: VectorIndex
    feature_extractor_id: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., type: _Optional[_Union[VectorIndexType, str]] = ..., index: _Optional[_Union[VectorIndex, _Mapping]] = ..., feature_extractor_id: _Optional[str] = ...) -> None: ...

class PayloadIndex(_message.Message):
    __slots__ = ("field_name", "type")
    FIELD_NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    field_name: str
    type: PayloadIndexType
    def __init__(self, field_name: _Optional[str] = ..., type: _Optional[_Union[PayloadIndexType, str]] = ...) -> None: ...
