import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vecplane.v1 import feature_extractor_pb2 as _feature_extractor_pb2
from vecplane.v1 import indexes_pb2 as _indexes_pb2
from vecplane.v1 import list_pb2 as _list_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NamespaceMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NAMESPACE_MODE_UNSPECIFIED: _ClassVar[NamespaceMode]
    NAMESPACE_MODE_MANAGED: _ClassVar[NamespaceMode]
    NAMESPACE_MODE_STANDALONE: _ClassVar[NamespaceMode]

class ReconfigureMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECONFIGURE_MODE_UNSPECIFIED: _ClassVar[ReconfigureMode]
    RECONFIGURE_MODE_IN_PLACE: _ClassVar[ReconfigureMode]
    RECONFIGURE_MODE_RECREATE: _ClassVar[ReconfigureMode]

class ReconfigureStrategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECONFIGURE_STRATEGY_UNSPECIFIED: _ClassVar[ReconfigureStrategy]
    RECONFIGURE_STRATEGY_LIVE: _ClassVar[ReconfigureStrategy]
    RECONFIGURE_STRATEGY_BLUE_GREEN: _ClassVar[ReconfigureStrategy]
    RECONFIGURE_STRATEGY_RECREATE: _ClassVar[ReconfigureStrategy]

class ReconfigureStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECONFIGURE_STATUS_UNSPECIFIED: _ClassVar[ReconfigureStatus]
    RECONFIGURE_STATUS_RECONFIGURED: _ClassVar[ReconfigureStatus]
    RECONFIGURE_STATUS_NO_CHANGES_NEEDED: _ClassVar[ReconfigureStatus]
NAMESPACE_MODE_UNSPECIFIED: NamespaceMode
NAMESPACE_MODE_MANAGED: NamespaceMode
NAMESPACE_MODE_STANDALONE: NamespaceMode
RECONFIGURE_MODE_UNSPECIFIED: ReconfigureMode
RECONFIGURE_MODE_IN_PLACE: ReconfigureMode
RECONFIGURE_MODE_RECREATE: ReconfigureMode
RECONFIGURE_STRATEGY_UNSPECIFIED: ReconfigureStrategy
RECONFIGURE_STRATEGY_LIVE: ReconfigureStrategy
RECONFIGURE_STRATEGY_BLUE_GREEN: ReconfigureStrategy
RECONFIGURE_STRATEGY_RECREATE: ReconfigureStrategy
RECONFIGURE_STATUS_UNSPECIFIED: ReconfigureStatus
RECONFIGURE_STATUS_RECONFIGURED: ReconfigureStatus
RECONFIGURE_STATUS_NO_CHANGES_NEEDED: ReconfigureStatus

class NamespaceFeatureExtractor(_message.Message):
    __slots__ = ("feature_extractor_name", "version", "params", "feature_extractor_id")
    FEATURE_EXTRACTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    feature_extractor_name: str
    version: str
    params: _struct_pb2.Struct
    feature_extractor_id: str
    def __init__(self, feature_extractor_name: _Optional[str] = ..., version: _Optional[str] = ..., params: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., feature_extractor_id: _Optional[str] = ...) -> None: ...

class Namespace(_message.Message):
    __slots__ = ("namespace_id", "namespace_name", "description", "feature_extractors", "payload_indexes", "vector_indexes", "created_at", "updated_at", "mode")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_INDEXES_FIELD_NUMBER: _ClassVar[int]
    VECTOR_INDEXES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    namespace_name: str
    description: str
    feature_extractors: _containers.RepeatedCompositeFieldContainer[NamespaceFeatureExtractor]
    payload_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.PayloadIndex]
    vector_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.VectorIndexDefinition]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    mode: NamespaceMode
    def __init__(self, namespace_id: _Optional[str] = ..., namespace_name: _Optional[str] = ..., description: _Optional[str] = ..., feature_extractors: _Optional[_Iterable[_Union[NamespaceFeatureExtractor, _Mapping]]] = ..., payload_indexes: _Optional[_Iterable[_Union[_indexes_pb2.PayloadIndex, _Mapping]]] = ..., vector_indexes: _Optional[_Iterable[_Union[_indexes_pb2.VectorIndexDefinition, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., mode: _Optional[_Union[NamespaceMode, str]] = ...) -> None: ...

class CreateNamespaceRequest(_message.Message):
    __slots__ = ("namespace_name", "description", "feature_extractors", "payload_indexes", "mode")
    NAMESPACE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_INDEXES_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    namespace_name: str
    description: str
    feature_extractors: _containers.RepeatedCompositeFieldContainer[NamespaceFeatureExtractor]
    payload_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.PayloadIndex]
    mode: NamespaceMode
    def __init__(self, namespace_name: _Optional[str] = ..., description: _Optional[str] = ..., feature_extractors: _Optional[_Iterable[_Union[NamespaceFeatureExtractor, _Mapping]]] = ..., payload_indexes: _Optional[_Iterable[_Union[_indexes_pb2.PayloadIndex, _Mapping]]] = ..., mode: _Optional[_Union[NamespaceMode, str]] = ...) -> None: ...

class CreateNamespaceResponse(_message.Message):
    __slots__ = ("namespace",)
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    namespace: Namespace
    def __init__(self, namespace: _Optional[_Union[Namespace, _Mapping]] = ...) -> None: ...

class GetNamespaceRequest(_message.Message):
    __slots__ = ("namespace_id",)
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    def __init__(self, namespace_id: _Optional[str] = ...) -> None: ...

class GetNamespaceResponse(_message.Message):
    __slots__ = ("namespace",)
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    namespace: Namespace
    def __init__(self, namespace: _Optional[_Union[Namespace, _Mapping]] = ...) -> None: ...

class ListNamespacesRequest(_message.Message):
    __slots__ = ("limit", "offset", "cursor", "include_total", "query", "page_size", "page")
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    limit: int
    offset: int
    cursor: str
    include_total: bool
    query: _list_pb2.ListQuery
    page_size: int
    page: int
    def __init__(self, limit: _Optional[int] = ..., offset: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., query: _Optional[_Union[_list_pb2.ListQuery, _Mapping]] = ..., page_size: _Optional[int] = ..., page: _Optional[int] = ...) -> None: ...

class ListNamespacesResponse(_message.Message):
    __slots__ = ("results", "pagination", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Namespace]
    pagination: _list_pb2.Pagination
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[Namespace, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total_count: _Optional[int] = ...) -> None: ...

class UpdateNamespaceRequest(_message.Message):
    __slots__ = ("namespace_id", "namespace_name", "description", "feature_extractors", "payload_indexes", "update_mask")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_INDEXES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    namespace_name: str
    description: str
    feature_extractors: _containers.RepeatedCompositeFieldContainer[NamespaceFeatureExtractor]
    payload_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.PayloadIndex]
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, namespace_id: _Optional[str] = ..., namespace_name: _Optional[str] = ..., description: _Optional[str] = ..., feature_extractors: _Optional[_Iterable[_Union[NamespaceFeatureExtractor, _Mapping]]] = ..., payload_indexes: _Optional[_Iterable[_Union[_indexes_pb2.PayloadIndex, _Mapping]]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateNamespaceResponse(_message.Message):
    __slots__ = ("namespace",)
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    namespace: Namespace
    def __init__(self, namespace: _Optional[_Union[Namespace, _Mapping]] = ...) -> None: ...

class PatchNamespaceRequest(_message.Message):
    __slots__ = ("namespace_id", "namespace_name", "description", "feature_extractors", "payload_indexes", "update_mask")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_INDEXES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    namespace_name: str
    description: str
    feature_extractors: _containers.RepeatedCompositeFieldContainer[NamespaceFeatureExtractor]
    payload_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.PayloadIndex]
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, namespace_id: _Optional[str] = ..., namespace_name: _Optional[str] = ..., description: _Optional[str] = ..., feature_extractors: _Optional[_Iterable[_Union[NamespaceFeatureExtractor, _Mapping]]] = ..., payload_indexes: _Optional[_Iterable[_Union[_indexes_pb2.PayloadIndex, _Mapping]]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class PatchNamespaceResponse(_message.Message):
    __slots__ = ("namespace",)
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    namespace: Namespace
    def __init__(self, namespace: _Optional[_Union[Namespace, _Mapping]] = ...) -> None: ...

class ListNamespaceExtractorsRequest(_message.Message):
    __slots__ = ("namespace_id", "source", "include_disabled")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DISABLED_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    source: str
    include_disabled: bool
    def __init__(self, namespace_id: _Optional[str] = ..., source: _Optional[str] = ..., include_disabled: _Optional[bool] = ...) -> None: ...

class ListNamespaceExtractorsResponse(_message.Message):
    __slots__ = ("extractors", "total", "namespace_id", "builtin_count", "custom_count")
    EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_COUNT_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_COUNT_FIELD_NUMBER: _ClassVar[int]
    extractors: _containers.RepeatedCompositeFieldContainer[_feature_extractor_pb2.FeatureExtractorDefinition]
    total: int
    namespace_id: str
    builtin_count: int
    custom_count: int
    def __init__(self, extractors: _Optional[_Iterable[_Union[_feature_extractor_pb2.FeatureExtractorDefinition, _Mapping]]] = ..., total: _Optional[int] = ..., namespace_id: _Optional[str] = ..., builtin_count: _Optional[int] = ..., custom_count: _Optional[int] = ...) -> None: ...

class GetNamespaceExtractorRequest(_message.Message):
    __slots__ = ("namespace_id", "extractor_id")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    extractor_id: str
    def __init__(self, namespace_id: _Optional[str] = ..., extractor_id: _Optional[str] = ...) -> None: ...

class GetNamespaceExtractorResponse(_message.Message):
    __slots__ = ("feature_extractor",)
    FEATURE_EXTRACTOR_FIELD_NUMBER: _ClassVar[int]
    feature_extractor: _feature_extractor_pb2.FeatureExtractorDefinition
    def __init__(self, feature_extractor: _Optional[_Union[_feature_extractor_pb2.FeatureExtractorDefinition, _Mapping]] = ...) -> None: ...

class NamespaceStats(_message.Message):
    __slots__ = ("namespace_id", "document_count", "document_count_complete", "bucket_count", "collection_count", "object_count")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_COUNT_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_COUNT_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    document_count: int
    document_count_complete: bool
    bucket_count: int
    collection_count: int
    object_count: int
    def __init__(self, namespace_id: _Optional[str] = ..., document_count: _Optional[int] = ..., document_count_complete: _Optional[bool] = ..., bucket_count: _Optional[int] = ..., collection_count: _Optional[int] = ..., object_count: _Optional[int] = ...) -> None: ...

class GetNamespaceStatsRequest(_message.Message):
    __slots__ = ("namespace_id",)
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    def __init__(self, namespace_id: _Optional[str] = ...) -> None: ...

class GetNamespaceStatsResponse(_message.Message):
    __slots__ = ("stats",)
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: NamespaceStats
    def __init__(self, stats: _Optional[_Union[NamespaceStats, _Mapping]] = ...) -> None: ...

class BatchGetNamespaceStatsRequest(_message.Message):
    __slots__ = ("namespace_ids",)
    NAMESPACE_IDS_FIELD_NUMBER: _ClassVar[int]
    namespace_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, namespace_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetNamespaceStatsResponse(_message.Message):
    __slots__ = ("stats",)
    class StatsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: NamespaceStats
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[NamespaceStats, _Mapping]] = ...) -> None: ...
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: _containers.MessageMap[str, NamespaceStats]
    def __init__(self, stats: _Optional[_Mapping[str, NamespaceStats]] = ...) -> None: ...

class EnsureNamespaceIndexesRequest(_message.Message):
    __slots__ = ("namespace_id", "force_rebuild")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_REBUILD_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    force_rebuild: bool
    def __init__(self, namespace_id: _Optional[str] = ..., force_rebuild: _Optional[bool] = ...) -> None: ...

class EnsureNamespaceIndexesResponse(_message.Message):
    __slots__ = ("namespace_id", "ensured", "created", "message")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    ENSURED_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    ensured: _containers.RepeatedScalarFieldContainer[str]
    created: _containers.RepeatedScalarFieldContainer[str]
    message: str
    def __init__(self, namespace_id: _Optional[str] = ..., ensured: _Optional[_Iterable[str]] = ..., created: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ...) -> None: ...

class DeleteNamespaceRequest(_message.Message):
    __slots__ = ("namespace_id",)
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    def __init__(self, namespace_id: _Optional[str] = ...) -> None: ...

class DeleteNamespaceResponse(_message.Message):
    __slots__ = ("namespace_id", "message")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    message: str
    def __init__(self, namespace_id: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ReconfigureRequest(_message.Message):
    __slots__ = ("namespace_id", "confirm", "dry_run", "mode", "prune")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    PRUNE_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    confirm: bool
    dry_run: bool
    mode: ReconfigureMode
    prune: bool
    def __init__(self, namespace_id: _Optional[str] = ..., confirm: _Optional[bool] = ..., dry_run: _Optional[bool] = ..., mode: _Optional[_Union[ReconfigureMode, str]] = ..., prune: _Optional[bool] = ...) -> None: ...

class ReconfigureResponse(_message.Message):
    __slots__ = ("namespace_id", "status", "previous_points_count", "vectors_added", "vectors_total", "collections_to_reprocess", "message", "vectors_changed", "vectors_removed", "vectors_undeclared", "points_preserved", "points_deleted", "mode", "dry_run", "strategy", "operation_id")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_POINTS_COUNT_FIELD_NUMBER: _ClassVar[int]
    VECTORS_ADDED_FIELD_NUMBER: _ClassVar[int]
    VECTORS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    COLLECTIONS_TO_REPROCESS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    VECTORS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    VECTORS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    VECTORS_UNDECLARED_FIELD_NUMBER: _ClassVar[int]
    POINTS_PRESERVED_FIELD_NUMBER: _ClassVar[int]
    POINTS_DELETED_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    OPERATION_ID_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    status: ReconfigureStatus
    previous_points_count: int
    vectors_added: _containers.RepeatedScalarFieldContainer[str]
    vectors_total: _containers.RepeatedScalarFieldContainer[str]
    collections_to_reprocess: _containers.RepeatedScalarFieldContainer[str]
    message: str
    vectors_changed: _containers.RepeatedScalarFieldContainer[str]
    vectors_removed: _containers.RepeatedScalarFieldContainer[str]
    vectors_undeclared: _containers.RepeatedScalarFieldContainer[str]
    points_preserved: int
    points_deleted: int
    mode: ReconfigureMode
    dry_run: bool
    strategy: ReconfigureStrategy
    operation_id: str
    def __init__(self, namespace_id: _Optional[str] = ..., status: _Optional[_Union[ReconfigureStatus, str]] = ..., previous_points_count: _Optional[int] = ..., vectors_added: _Optional[_Iterable[str]] = ..., vectors_total: _Optional[_Iterable[str]] = ..., collections_to_reprocess: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ..., vectors_changed: _Optional[_Iterable[str]] = ..., vectors_removed: _Optional[_Iterable[str]] = ..., vectors_undeclared: _Optional[_Iterable[str]] = ..., points_preserved: _Optional[int] = ..., points_deleted: _Optional[int] = ..., mode: _Optional[_Union[ReconfigureMode, str]] = ..., dry_run: _Optional[bool] = ..., strategy: _Optional[_Union[ReconfigureStrategy, str]] = ..., operation_id: _Optional[str] = ...) -> None: ...
