import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vecplane.v1 import feature_extractor_pb2 as _feature_extractor_pb2
from vecplane.v1 import filter_pb2 as _filter_pb2
from vecplane.v1 import indexes_pb2 as _indexes_pb2
from vecplane.v1 import list_pb2 as _list_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from vecplane.v1 import schema_pb2 as _schema_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SourceType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SOURCE_TYPE_UNSPECIFIED: _ClassVar[SourceType]
    SOURCE_TYPE_BUCKET: _ClassVar[SourceType]
    SOURCE_TYPE_COLLECTION: _ClassVar[SourceType]

class InvalidationStrategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVALIDATION_STRATEGY_UNSPECIFIED: _ClassVar[InvalidationStrategy]
    INVALIDATION_STRATEGY_REPLACE_IF_BETTER: _ClassVar[InvalidationStrategy]
    INVALIDATION_STRATEGY_REPLACE_ALWAYS: _ClassVar[InvalidationStrategy]
    INVALIDATION_STRATEGY_KEEP_EXISTING: _ClassVar[InvalidationStrategy]

class RecomputeStrategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECOMPUTE_STRATEGY_UNSPECIFIED: _ClassVar[RecomputeStrategy]
    RECOMPUTE_STRATEGY_IMMEDIATE: _ClassVar[RecomputeStrategy]
    RECOMPUTE_STRATEGY_BACKGROUND: _ClassVar[RecomputeStrategy]
    RECOMPUTE_STRATEGY_LAZY: _ClassVar[RecomputeStrategy]

class TaskStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_STATUS_UNSPECIFIED: _ClassVar[TaskStatus]
    TASK_STATUS_PENDING: _ClassVar[TaskStatus]
    TASK_STATUS_QUEUED: _ClassVar[TaskStatus]
    TASK_STATUS_INITIALIZING: _ClassVar[TaskStatus]
    TASK_STATUS_PROCESSING: _ClassVar[TaskStatus]
    TASK_STATUS_DOWNLOADING: _ClassVar[TaskStatus]
    TASK_STATUS_UPLOADING: _ClassVar[TaskStatus]
    TASK_STATUS_CONVERTING: _ClassVar[TaskStatus]
    TASK_STATUS_DONE: _ClassVar[TaskStatus]
    TASK_STATUS_FAILED: _ClassVar[TaskStatus]
    TASK_STATUS_SKIPPED: _ClassVar[TaskStatus]
    TASK_STATUS_CANCELLED: _ClassVar[TaskStatus]

class FeatureVectorType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEATURE_VECTOR_TYPE_UNSPECIFIED: _ClassVar[FeatureVectorType]
    FEATURE_VECTOR_TYPE_DENSE: _ClassVar[FeatureVectorType]
    FEATURE_VECTOR_TYPE_SPARSE: _ClassVar[FeatureVectorType]
    FEATURE_VECTOR_TYPE_MULTI_DENSE: _ClassVar[FeatureVectorType]

class ReconciliationReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECONCILIATION_REASON_UNSPECIFIED: _ClassVar[ReconciliationReason]
    RECONCILIATION_REASON_NO_DOCUMENT: _ClassVar[ReconciliationReason]
    RECONCILIATION_REASON_FAILED: _ClassVar[ReconciliationReason]
SOURCE_TYPE_UNSPECIFIED: SourceType
SOURCE_TYPE_BUCKET: SourceType
SOURCE_TYPE_COLLECTION: SourceType
INVALIDATION_STRATEGY_UNSPECIFIED: InvalidationStrategy
INVALIDATION_STRATEGY_REPLACE_IF_BETTER: InvalidationStrategy
INVALIDATION_STRATEGY_REPLACE_ALWAYS: InvalidationStrategy
INVALIDATION_STRATEGY_KEEP_EXISTING: InvalidationStrategy
RECOMPUTE_STRATEGY_UNSPECIFIED: RecomputeStrategy
RECOMPUTE_STRATEGY_IMMEDIATE: RecomputeStrategy
RECOMPUTE_STRATEGY_BACKGROUND: RecomputeStrategy
RECOMPUTE_STRATEGY_LAZY: RecomputeStrategy
TASK_STATUS_UNSPECIFIED: TaskStatus
TASK_STATUS_PENDING: TaskStatus
TASK_STATUS_QUEUED: TaskStatus
TASK_STATUS_INITIALIZING: TaskStatus
TASK_STATUS_PROCESSING: TaskStatus
TASK_STATUS_DOWNLOADING: TaskStatus
TASK_STATUS_UPLOADING: TaskStatus
TASK_STATUS_CONVERTING: TaskStatus
TASK_STATUS_DONE: TaskStatus
TASK_STATUS_FAILED: TaskStatus
TASK_STATUS_SKIPPED: TaskStatus
TASK_STATUS_CANCELLED: TaskStatus
FEATURE_VECTOR_TYPE_UNSPECIFIED: FeatureVectorType
FEATURE_VECTOR_TYPE_DENSE: FeatureVectorType
FEATURE_VECTOR_TYPE_SPARSE: FeatureVectorType
FEATURE_VECTOR_TYPE_MULTI_DENSE: FeatureVectorType
RECONCILIATION_REASON_UNSPECIFIED: ReconciliationReason
RECONCILIATION_REASON_NO_DOCUMENT: ReconciliationReason
RECONCILIATION_REASON_FAILED: ReconciliationReason

class SourceConfig(_message.Message):
    __slots__ = ("type", "bucket_id", "prefix_key", "collection_id", "filters", "bucket_ids")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    PREFIX_KEY_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    BUCKET_IDS_FIELD_NUMBER: _ClassVar[int]
    type: SourceType
    bucket_id: str
    prefix_key: str
    collection_id: str
    filters: _filter_pb2.LogicalOperator
    bucket_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, type: _Optional[_Union[SourceType, str]] = ..., bucket_id: _Optional[str] = ..., prefix_key: _Optional[str] = ..., collection_id: _Optional[str] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., bucket_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SourceLineageEntry(_message.Message):
    __slots__ = ("source_type", "collection_id", "bucket_id", "bucket_config", "collection_config", "feature_extractors", "output_schema")
    SOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_CONFIG_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_CONFIG_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    source_type: SourceType
    collection_id: str
    bucket_id: str
    bucket_config: SourceConfig
    collection_config: SourceConfig
    feature_extractors: _containers.RepeatedCompositeFieldContainer[_feature_extractor_pb2.FeatureExtractor]
    output_schema: _schema_pb2.BucketSchema
    def __init__(self, source_type: _Optional[_Union[SourceType, str]] = ..., collection_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., bucket_config: _Optional[_Union[SourceConfig, _Mapping]] = ..., collection_config: _Optional[_Union[SourceConfig, _Mapping]] = ..., feature_extractors: _Optional[_Iterable[_Union[_feature_extractor_pb2.FeatureExtractor, _Mapping]]] = ..., output_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ...) -> None: ...

class TaxonomyApplication(_message.Message):
    __slots__ = ("taxonomy_id", "output_collection")
    TAXONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_COLLECTION_FIELD_NUMBER: _ClassVar[int]
    taxonomy_id: str
    output_collection: str
    def __init__(self, taxonomy_id: _Optional[str] = ..., output_collection: _Optional[str] = ...) -> None: ...

class InvalidationEvent(_message.Message):
    __slots__ = ("collection", "action", "recompute_strategy", "retriever_id")
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    RECOMPUTE_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    collection: str
    action: str
    recompute_strategy: RecomputeStrategy
    retriever_id: str
    def __init__(self, collection: _Optional[str] = ..., action: _Optional[str] = ..., recompute_strategy: _Optional[_Union[RecomputeStrategy, str]] = ..., retriever_id: _Optional[str] = ...) -> None: ...

class RetrieverCacheConfig(_message.Message):
    __slots__ = ("enabled", "ttl_seconds", "score_threshold")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    ttl_seconds: int
    score_threshold: float
    def __init__(self, enabled: _Optional[bool] = ..., ttl_seconds: _Optional[int] = ..., score_threshold: _Optional[float] = ...) -> None: ...

class CacheConfig(_message.Message):
    __slots__ = ("enabled", "ttl_seconds", "invalidation_strategy", "max_entries_per_key", "score_threshold", "invalidation_events", "retriever_configs")
    class RetrieverConfigsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: RetrieverCacheConfig
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[RetrieverCacheConfig, _Mapping]] = ...) -> None: ...
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    INVALIDATION_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    MAX_ENTRIES_PER_KEY_FIELD_NUMBER: _ClassVar[int]
    SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    INVALIDATION_EVENTS_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_CONFIGS_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    ttl_seconds: int
    invalidation_strategy: InvalidationStrategy
    max_entries_per_key: int
    score_threshold: float
    invalidation_events: _containers.RepeatedCompositeFieldContainer[InvalidationEvent]
    retriever_configs: _containers.MessageMap[str, RetrieverCacheConfig]
    def __init__(self, enabled: _Optional[bool] = ..., ttl_seconds: _Optional[int] = ..., invalidation_strategy: _Optional[_Union[InvalidationStrategy, str]] = ..., max_entries_per_key: _Optional[int] = ..., score_threshold: _Optional[float] = ..., invalidation_events: _Optional[_Iterable[_Union[InvalidationEvent, _Mapping]]] = ..., retriever_configs: _Optional[_Mapping[str, RetrieverCacheConfig]] = ...) -> None: ...

class DocumentHandling(_message.Message):
    __slots__ = ("output_type",)
    OUTPUT_TYPE_FIELD_NUMBER: _ClassVar[int]
    output_type: _feature_extractor_pb2.DocumentOutputType
    def __init__(self, output_type: _Optional[_Union[_feature_extractor_pb2.DocumentOutputType, str]] = ...) -> None: ...

class Collection(_message.Message):
    __slots__ = ("collection_id", "collection_name", "description", "namespace_id", "source", "input_schema", "output_schema", "feature_extractors", "source_lineage", "vector_indexes", "payload_indexes", "enabled", "metadata", "status", "status_message", "taxonomy_applications", "cache_config", "document_handling", "created_at", "updated_at", "document_count")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LINEAGE_FIELD_NUMBER: _ClassVar[int]
    VECTOR_INDEXES_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_INDEXES_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TAXONOMY_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    CACHE_CONFIG_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    collection_name: str
    description: str
    namespace_id: str
    source: SourceConfig
    input_schema: _schema_pb2.BucketSchema
    output_schema: _schema_pb2.BucketSchema
    feature_extractors: _containers.RepeatedCompositeFieldContainer[_feature_extractor_pb2.FeatureExtractor]
    source_lineage: _containers.RepeatedCompositeFieldContainer[SourceLineageEntry]
    vector_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.VectorIndexDefinition]
    payload_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.PayloadIndex]
    enabled: bool
    metadata: _struct_pb2.Struct
    status: TaskStatus
    status_message: str
    taxonomy_applications: _containers.RepeatedCompositeFieldContainer[TaxonomyApplication]
    cache_config: CacheConfig
    document_handling: DocumentHandling
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    document_count: int
    def __init__(self, collection_id: _Optional[str] = ..., collection_name: _Optional[str] = ..., description: _Optional[str] = ..., namespace_id: _Optional[str] = ..., source: _Optional[_Union[SourceConfig, _Mapping]] = ..., input_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., output_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., feature_extractors: _Optional[_Iterable[_Union[_feature_extractor_pb2.FeatureExtractor, _Mapping]]] = ..., source_lineage: _Optional[_Iterable[_Union[SourceLineageEntry, _Mapping]]] = ..., vector_indexes: _Optional[_Iterable[_Union[_indexes_pb2.VectorIndexDefinition, _Mapping]]] = ..., payload_indexes: _Optional[_Iterable[_Union[_indexes_pb2.PayloadIndex, _Mapping]]] = ..., enabled: _Optional[bool] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., status: _Optional[_Union[TaskStatus, str]] = ..., status_message: _Optional[str] = ..., taxonomy_applications: _Optional[_Iterable[_Union[TaxonomyApplication, _Mapping]]] = ..., cache_config: _Optional[_Union[CacheConfig, _Mapping]] = ..., document_handling: _Optional[_Union[DocumentHandling, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., document_count: _Optional[int] = ...) -> None: ...

class CreateCollectionRequest(_message.Message):
    __slots__ = ("collection_name", "description", "source", "input_schema", "feature_extractors", "taxonomy_applications", "enabled", "metadata", "document_handling", "cache_config")
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    TAXONOMY_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    CACHE_CONFIG_FIELD_NUMBER: _ClassVar[int]
    collection_name: str
    description: str
    source: SourceConfig
    input_schema: _schema_pb2.BucketSchema
    feature_extractors: _containers.RepeatedCompositeFieldContainer[_feature_extractor_pb2.FeatureExtractor]
    taxonomy_applications: _containers.RepeatedCompositeFieldContainer[TaxonomyApplication]
    enabled: bool
    metadata: _struct_pb2.Struct
    document_handling: DocumentHandling
    cache_config: CacheConfig
    def __init__(self, collection_name: _Optional[str] = ..., description: _Optional[str] = ..., source: _Optional[_Union[SourceConfig, _Mapping]] = ..., input_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., feature_extractors: _Optional[_Iterable[_Union[_feature_extractor_pb2.FeatureExtractor, _Mapping]]] = ..., taxonomy_applications: _Optional[_Iterable[_Union[TaxonomyApplication, _Mapping]]] = ..., enabled: _Optional[bool] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., document_handling: _Optional[_Union[DocumentHandling, _Mapping]] = ..., cache_config: _Optional[_Union[CacheConfig, _Mapping]] = ...) -> None: ...

class CreateCollectionResponse(_message.Message):
    __slots__ = ("collection",)
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    collection: Collection
    def __init__(self, collection: _Optional[_Union[Collection, _Mapping]] = ...) -> None: ...

class GetCollectionRequest(_message.Message):
    __slots__ = ("collection_id",)
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    def __init__(self, collection_id: _Optional[str] = ...) -> None: ...

class DescribeCollectionFeaturesRequest(_message.Message):
    __slots__ = ("collection_id",)
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    def __init__(self, collection_id: _Optional[str] = ...) -> None: ...

class FeatureVectorIndex(_message.Message):
    __slots__ = ("name", "description", "dimensions", "type", "distance")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    dimensions: int
    type: FeatureVectorType
    distance: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., dimensions: _Optional[int] = ..., type: _Optional[_Union[FeatureVectorType, str]] = ..., distance: _Optional[str] = ...) -> None: ...

class CollectionFeature(_message.Message):
    __slots__ = ("feature_address", "feature_uri", "feature_extractor_name", "version", "vector_index", "primary")
    FEATURE_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_URI_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VECTOR_INDEX_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    feature_address: str
    feature_uri: str
    feature_extractor_name: str
    version: str
    vector_index: FeatureVectorIndex
    primary: bool
    def __init__(self, feature_address: _Optional[str] = ..., feature_uri: _Optional[str] = ..., feature_extractor_name: _Optional[str] = ..., version: _Optional[str] = ..., vector_index: _Optional[_Union[FeatureVectorIndex, _Mapping]] = ..., primary: _Optional[bool] = ...) -> None: ...

class DescribeCollectionFeaturesResponse(_message.Message):
    __slots__ = ("features",)
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    features: _containers.RepeatedCompositeFieldContainer[CollectionFeature]
    def __init__(self, features: _Optional[_Iterable[_Union[CollectionFeature, _Mapping]]] = ...) -> None: ...

class ReconcileCollectionRequest(_message.Message):
    __slots__ = ("collection_id", "limit")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    limit: int
    def __init__(self, collection_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ReconciliationDiscrepancy(_message.Message):
    __slots__ = ("object_id", "bucket_id", "reason", "status", "age_seconds", "error")
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    object_id: str
    bucket_id: str
    reason: ReconciliationReason
    status: str
    age_seconds: float
    error: str
    def __init__(self, object_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., reason: _Optional[_Union[ReconciliationReason, str]] = ..., status: _Optional[str] = ..., age_seconds: _Optional[float] = ..., error: _Optional[str] = ...) -> None: ...

class ReconcileCollectionResponse(_message.Message):
    __slots__ = ("collection_id", "source_object_count", "produced_object_count", "document_count", "delta", "discrepancies", "discrepancies_truncated", "limit")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PRODUCED_OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DELTA_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCIES_FIELD_NUMBER: _ClassVar[int]
    DISCREPANCIES_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    source_object_count: int
    produced_object_count: int
    document_count: int
    delta: int
    discrepancies: _containers.RepeatedCompositeFieldContainer[ReconciliationDiscrepancy]
    discrepancies_truncated: bool
    limit: int
    def __init__(self, collection_id: _Optional[str] = ..., source_object_count: _Optional[int] = ..., produced_object_count: _Optional[int] = ..., document_count: _Optional[int] = ..., delta: _Optional[int] = ..., discrepancies: _Optional[_Iterable[_Union[ReconciliationDiscrepancy, _Mapping]]] = ..., discrepancies_truncated: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class GetCollectionResponse(_message.Message):
    __slots__ = ("collection",)
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    collection: Collection
    def __init__(self, collection: _Optional[_Union[Collection, _Mapping]] = ...) -> None: ...

class ListCollectionsRequest(_message.Message):
    __slots__ = ("limit", "offset", "cursor", "include_total", "query")
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    limit: int
    offset: int
    cursor: str
    include_total: bool
    query: _list_pb2.ListQuery
    def __init__(self, limit: _Optional[int] = ..., offset: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., query: _Optional[_Union[_list_pb2.ListQuery, _Mapping]] = ...) -> None: ...

class ListCollectionsResponse(_message.Message):
    __slots__ = ("results", "pagination", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Collection]
    pagination: _list_pb2.Pagination
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[Collection, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total_count: _Optional[int] = ...) -> None: ...

class UpdateCollectionRequest(_message.Message):
    __slots__ = ("collection_id", "collection_name", "description", "enabled", "metadata", "taxonomy_applications", "update_mask")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    TAXONOMY_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    collection_name: str
    description: str
    enabled: bool
    metadata: _struct_pb2.Struct
    taxonomy_applications: _containers.RepeatedCompositeFieldContainer[TaxonomyApplication]
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, collection_id: _Optional[str] = ..., collection_name: _Optional[str] = ..., description: _Optional[str] = ..., enabled: _Optional[bool] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., taxonomy_applications: _Optional[_Iterable[_Union[TaxonomyApplication, _Mapping]]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCollectionResponse(_message.Message):
    __slots__ = ("collection",)
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    collection: Collection
    def __init__(self, collection: _Optional[_Union[Collection, _Mapping]] = ...) -> None: ...

class DeleteCollectionRequest(_message.Message):
    __slots__ = ("collection_id", "force")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    force: bool
    def __init__(self, collection_id: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class DeleteCollectionResponse(_message.Message):
    __slots__ = ("collection_id", "documents_deleted", "collections_disabled", "message")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_DELETED_FIELD_NUMBER: _ClassVar[int]
    COLLECTIONS_DISABLED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    documents_deleted: int
    collections_disabled: _containers.RepeatedScalarFieldContainer[str]
    message: str
    def __init__(self, collection_id: _Optional[str] = ..., documents_deleted: _Optional[int] = ..., collections_disabled: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ...) -> None: ...

class CloneCollectionRequest(_message.Message):
    __slots__ = ("collection_id", "collection_name", "description", "source", "feature_extractors", "enabled", "metadata", "taxonomy_applications")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    TAXONOMY_APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    collection_name: str
    description: str
    source: SourceConfig
    feature_extractors: _containers.RepeatedCompositeFieldContainer[_feature_extractor_pb2.FeatureExtractor]
    enabled: bool
    metadata: _struct_pb2.Struct
    taxonomy_applications: _containers.RepeatedCompositeFieldContainer[TaxonomyApplication]
    def __init__(self, collection_id: _Optional[str] = ..., collection_name: _Optional[str] = ..., description: _Optional[str] = ..., source: _Optional[_Union[SourceConfig, _Mapping]] = ..., feature_extractors: _Optional[_Iterable[_Union[_feature_extractor_pb2.FeatureExtractor, _Mapping]]] = ..., enabled: _Optional[bool] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., taxonomy_applications: _Optional[_Iterable[_Union[TaxonomyApplication, _Mapping]]] = ...) -> None: ...

class CloneCollectionResponse(_message.Message):
    __slots__ = ("collection", "source_collection_id")
    COLLECTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    collection: Collection
    source_collection_id: str
    def __init__(self, collection: _Optional[_Union[Collection, _Mapping]] = ..., source_collection_id: _Optional[str] = ...) -> None: ...
