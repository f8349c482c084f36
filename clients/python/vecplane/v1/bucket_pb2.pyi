import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vecplane.v1 import document_pb2 as _document_pb2
from vecplane.v1 import filter_pb2 as _filter_pb2
from vecplane.v1 import list_pb2 as _list_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from vecplane.v1 import schema_pb2 as _schema_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Bucket(_message.Message):
    __slots__ = ("bucket_id", "bucket_name", "description", "bucket_schema", "metadata", "namespace_id", "created_at", "updated_at", "object_count", "total_size_bytes")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    BUCKET_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    bucket_name: str
    description: str
    bucket_schema: _schema_pb2.BucketSchema
    metadata: _struct_pb2.Struct
    namespace_id: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    object_count: int
    total_size_bytes: int
    def __init__(self, bucket_id: _Optional[str] = ..., bucket_name: _Optional[str] = ..., description: _Optional[str] = ..., bucket_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., namespace_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., object_count: _Optional[int] = ..., total_size_bytes: _Optional[int] = ...) -> None: ...

class Blob(_message.Message):
    __slots__ = ("property", "type", "data", "details")
    PROPERTY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    property: str
    type: _schema_pb2.FieldType
    data: _struct_pb2.Value
    details: BlobDetails
    def __init__(self, property: _Optional[str] = ..., type: _Optional[_Union[_schema_pb2.FieldType, str]] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., details: _Optional[_Union[BlobDetails, _Mapping]] = ...) -> None: ...

class BlobDetails(_message.Message):
    __slots__ = ("source", "size_bytes", "mime_type", "hash")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    source: str
    size_bytes: int
    mime_type: str
    hash: str
    def __init__(self, source: _Optional[str] = ..., size_bytes: _Optional[int] = ..., mime_type: _Optional[str] = ..., hash: _Optional[str] = ...) -> None: ...

class Object(_message.Message):
    __slots__ = ("object_id", "bucket_id", "key_prefix", "metadata", "blobs", "created_at", "updated_at")
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    BLOBS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    object_id: str
    bucket_id: str
    key_prefix: str
    metadata: _struct_pb2.Struct
    blobs: _containers.RepeatedCompositeFieldContainer[Blob]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, object_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., key_prefix: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., blobs: _Optional[_Iterable[_Union[Blob, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateBucketRequest(_message.Message):
    __slots__ = ("bucket_name", "description", "bucket_schema", "metadata")
    BUCKET_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    BUCKET_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    bucket_name: str
    description: str
    bucket_schema: _schema_pb2.BucketSchema
    metadata: _struct_pb2.Struct
    def __init__(self, bucket_name: _Optional[str] = ..., description: _Optional[str] = ..., bucket_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class CreateBucketResponse(_message.Message):
    __slots__ = ("bucket",)
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    bucket: Bucket
    def __init__(self, bucket: _Optional[_Union[Bucket, _Mapping]] = ...) -> None: ...

class GetBucketRequest(_message.Message):
    __slots__ = ("bucket_id",)
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    def __init__(self, bucket_id: _Optional[str] = ...) -> None: ...

class GetBucketResponse(_message.Message):
    __slots__ = ("bucket",)
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    bucket: Bucket
    def __init__(self, bucket: _Optional[_Union[Bucket, _Mapping]] = ...) -> None: ...

class ListBucketsRequest(_message.Message):
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

class ListBucketsResponse(_message.Message):
    __slots__ = ("results", "pagination", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Bucket]
    pagination: _list_pb2.Pagination
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total_count: _Optional[int] = ...) -> None: ...

class UpdateBucketRequest(_message.Message):
    __slots__ = ("bucket_id", "bucket_name", "description", "metadata", "bucket_schema", "update_mask")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    BUCKET_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    bucket_name: str
    description: str
    metadata: _struct_pb2.Struct
    bucket_schema: _schema_pb2.BucketSchema
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, bucket_id: _Optional[str] = ..., bucket_name: _Optional[str] = ..., description: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., bucket_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateBucketResponse(_message.Message):
    __slots__ = ("bucket",)
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    bucket: Bucket
    def __init__(self, bucket: _Optional[_Union[Bucket, _Mapping]] = ...) -> None: ...

class DeleteBucketRequest(_message.Message):
    __slots__ = ("bucket_id", "force")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    force: bool
    def __init__(self, bucket_id: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class DeleteBucketResponse(_message.Message):
    __slots__ = ("bucket_id", "objects_deleted", "collections_disabled", "message")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_DELETED_FIELD_NUMBER: _ClassVar[int]
    COLLECTIONS_DISABLED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    objects_deleted: int
    collections_disabled: _containers.RepeatedScalarFieldContainer[str]
    message: str
    def __init__(self, bucket_id: _Optional[str] = ..., objects_deleted: _Optional[int] = ..., collections_disabled: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ...) -> None: ...

class CreateObjectRequest(_message.Message):
    __slots__ = ("bucket_id", "key_prefix", "metadata", "blobs", "skip_duplicates", "idempotency_key", "auto_process", "canonicalize_source", "force_remirror")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    BLOBS_FIELD_NUMBER: _ClassVar[int]
    SKIP_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    AUTO_PROCESS_FIELD_NUMBER: _ClassVar[int]
    CANONICALIZE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    FORCE_REMIRROR_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    key_prefix: str
    metadata: _struct_pb2.Struct
    blobs: _containers.RepeatedCompositeFieldContainer[Blob]
    skip_duplicates: bool
    idempotency_key: str
    auto_process: bool
    canonicalize_source: bool
    force_remirror: bool
    def __init__(self, bucket_id: _Optional[str] = ..., key_prefix: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., blobs: _Optional[_Iterable[_Union[Blob, _Mapping]]] = ..., skip_duplicates: _Optional[bool] = ..., idempotency_key: _Optional[str] = ..., auto_process: _Optional[bool] = ..., canonicalize_source: _Optional[bool] = ..., force_remirror: _Optional[bool] = ...) -> None: ...

class CreateObjectResponse(_message.Message):
    __slots__ = ("object", "replayed")
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    object: Object
    replayed: bool
    def __init__(self, object: _Optional[_Union[Object, _Mapping]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class CreateObjectsRequest(_message.Message):
    __slots__ = ("bucket_id", "objects", "auto_process")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    AUTO_PROCESS_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    objects: _containers.RepeatedCompositeFieldContainer[CreateObjectRequest]
    auto_process: bool
    def __init__(self, bucket_id: _Optional[str] = ..., objects: _Optional[_Iterable[_Union[CreateObjectRequest, _Mapping]]] = ..., auto_process: _Optional[bool] = ...) -> None: ...

class CreatedObject(_message.Message):
    __slots__ = ("object_index", "replayed", "object_id", "bucket_id", "key_prefix", "metadata", "blobs", "created_at", "updated_at")
    OBJECT_INDEX_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    BLOBS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    object_index: int
    replayed: bool
    object_id: str
    bucket_id: str
    key_prefix: str
    metadata: _struct_pb2.Struct
    blobs: _containers.RepeatedCompositeFieldContainer[Blob]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, object_index: _Optional[int] = ..., replayed: _Optional[bool] = ..., object_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., key_prefix: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., blobs: _Optional[_Iterable[_Union[Blob, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FailedObject(_message.Message):
    __slots__ = ("object_index", "error", "error_type")
    OBJECT_INDEX_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ERROR_TYPE_FIELD_NUMBER: _ClassVar[int]
    object_index: int
    error: str
    error_type: str
    def __init__(self, object_index: _Optional[int] = ..., error: _Optional[str] = ..., error_type: _Optional[str] = ...) -> None: ...

class CreateObjectsResponse(_message.Message):
    __slots__ = ("succeeded", "failed", "total_requested", "succeeded_count", "failed_count")
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_COUNT_FIELD_NUMBER: _ClassVar[int]
    succeeded: _containers.RepeatedCompositeFieldContainer[CreatedObject]
    failed: _containers.RepeatedCompositeFieldContainer[FailedObject]
    total_requested: int
    succeeded_count: int
    failed_count: int
    def __init__(self, succeeded: _Optional[_Iterable[_Union[CreatedObject, _Mapping]]] = ..., failed: _Optional[_Iterable[_Union[FailedObject, _Mapping]]] = ..., total_requested: _Optional[int] = ..., succeeded_count: _Optional[int] = ..., failed_count: _Optional[int] = ...) -> None: ...

class GetObjectRequest(_message.Message):
    __slots__ = ("bucket_id", "object_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    object_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., object_id: _Optional[str] = ...) -> None: ...

class GetObjectResponse(_message.Message):
    __slots__ = ("object",)
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    object: Object
    def __init__(self, object: _Optional[_Union[Object, _Mapping]] = ...) -> None: ...

class ListObjectsRequest(_message.Message):
    __slots__ = ("bucket_id", "key_prefix", "limit", "offset", "cursor", "include_total", "query", "page_size", "page")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    key_prefix: str
    limit: int
    offset: int
    cursor: str
    include_total: bool
    query: _list_pb2.ListQuery
    page_size: int
    page: int
    def __init__(self, bucket_id: _Optional[str] = ..., key_prefix: _Optional[str] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., query: _Optional[_Union[_list_pb2.ListQuery, _Mapping]] = ..., page_size: _Optional[int] = ..., page: _Optional[int] = ...) -> None: ...

class AggregateObjectsRequest(_message.Message):
    __slots__ = ("bucket_id", "group_by", "aggregations", "filters", "having", "unwind", "sort_by", "sort_direction", "limit")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    AGGREGATIONS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    HAVING_FIELD_NUMBER: _ClassVar[int]
    UNWIND_FIELD_NUMBER: _ClassVar[int]
    SORT_BY_FIELD_NUMBER: _ClassVar[int]
    SORT_DIRECTION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    group_by: _containers.RepeatedCompositeFieldContainer[_document_pb2.AggregationGroupBy]
    aggregations: _containers.RepeatedCompositeFieldContainer[_document_pb2.AggregationOperation]
    filters: _filter_pb2.LogicalOperator
    having: _containers.RepeatedCompositeFieldContainer[_document_pb2.AggregationHaving]
    unwind: str
    sort_by: str
    sort_direction: str
    limit: int
    def __init__(self, bucket_id: _Optional[str] = ..., group_by: _Optional[_Iterable[_Union[_document_pb2.AggregationGroupBy, _Mapping]]] = ..., aggregations: _Optional[_Iterable[_Union[_document_pb2.AggregationOperation, _Mapping]]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., having: _Optional[_Iterable[_Union[_document_pb2.AggregationHaving, _Mapping]]] = ..., unwind: _Optional[str] = ..., sort_by: _Optional[str] = ..., sort_direction: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class AggregateObjectsResponse(_message.Message):
    __slots__ = ("results", "total_groups", "query_info")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_GROUPS_FIELD_NUMBER: _ClassVar[int]
    QUERY_INFO_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_document_pb2.AggregationRow]
    total_groups: int
    query_info: _struct_pb2.Struct
    def __init__(self, results: _Optional[_Iterable[_Union[_document_pb2.AggregationRow, _Mapping]]] = ..., total_groups: _Optional[int] = ..., query_info: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ListObjectsResponse(_message.Message):
    __slots__ = ("results", "pagination", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Object]
    pagination: _list_pb2.Pagination
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[Object, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total_count: _Optional[int] = ...) -> None: ...

class UpdateObjectRequest(_message.Message):
    __slots__ = ("bucket_id", "object_id", "key_prefix", "metadata", "skip_duplicates", "update_mask")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SKIP_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    object_id: str
    key_prefix: str
    metadata: _struct_pb2.Struct
    skip_duplicates: bool
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, bucket_id: _Optional[str] = ..., object_id: _Optional[str] = ..., key_prefix: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., skip_duplicates: _Optional[bool] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateObjectResponse(_message.Message):
    __slots__ = ("object",)
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    object: Object
    def __init__(self, object: _Optional[_Union[Object, _Mapping]] = ...) -> None: ...

class DeleteObjectRequest(_message.Message):
    __slots__ = ("bucket_id", "object_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    object_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., object_id: _Optional[str] = ...) -> None: ...

class DeleteObjectResponse(_message.Message):
    __slots__ = ("object_id",)
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    object_id: str
    def __init__(self, object_id: _Optional[str] = ...) -> None: ...
