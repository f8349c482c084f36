from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from vecplane.v1 import filter_pb2 as _filter_pb2
from vecplane.v1 import list_pb2 as _list_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListDocumentsRequest(_message.Message):
    __slots__ = ("collection_id", "limit", "offset", "cursor", "include_total", "filters", "sort", "return_vectors", "page_size", "return_presigned_urls")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    limit: int
    offset: int
    cursor: str
    include_total: bool
    filters: _filter_pb2.LogicalOperator
    sort: _list_pb2.SortOption
    return_vectors: bool
    page_size: int
    return_presigned_urls: bool
    def __init__(self, collection_id: _Optional[str] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., sort: _Optional[_Union[_list_pb2.SortOption, _Mapping]] = ..., return_vectors: _Optional[bool] = ..., page_size: _Optional[int] = ..., return_presigned_urls: _Optional[bool] = ...) -> None: ...

class ListDocumentsResponse(_message.Message):
    __slots__ = ("results", "pagination", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    pagination: _list_pb2.Pagination
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total_count: _Optional[int] = ...) -> None: ...

class GetDocumentRequest(_message.Message):
    __slots__ = ("collection_id", "document_id", "return_vectors")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_id: str
    return_vectors: bool
    def __init__(self, collection_id: _Optional[str] = ..., document_id: _Optional[str] = ..., return_vectors: _Optional[bool] = ...) -> None: ...

class GetDocumentResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _struct_pb2.Struct
    def __init__(self, document: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class UpdateDocumentResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _struct_pb2.Struct
    def __init__(self, document: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class UpdateDocumentRequest(_message.Message):
    __slots__ = ("collection_id", "document_id", "update_data")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATA_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_id: str
    update_data: _struct_pb2.Struct
    def __init__(self, collection_id: _Optional[str] = ..., document_id: _Optional[str] = ..., update_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class CreateDocumentRequest(_message.Message):
    __slots__ = ("collection_id", "document")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document: DocumentCreate
    def __init__(self, collection_id: _Optional[str] = ..., document: _Optional[_Union[DocumentCreate, _Mapping]] = ...) -> None: ...

class DocumentCreate(_message.Message):
    __slots__ = ("collection_id", "metadata", "vectors", "root_object_id", "root_bucket_id", "source_object_id")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    VECTORS_FIELD_NUMBER: _ClassVar[int]
    ROOT_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    ROOT_BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    metadata: _struct_pb2.Struct
    vectors: _struct_pb2.Struct
    root_object_id: str
    root_bucket_id: str
    source_object_id: str
    def __init__(self, collection_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., vectors: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., root_object_id: _Optional[str] = ..., root_bucket_id: _Optional[str] = ..., source_object_id: _Optional[str] = ...) -> None: ...

class CreateDocumentResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _struct_pb2.Struct
    def __init__(self, document: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class DeleteDocumentRequest(_message.Message):
    __slots__ = ("collection_id", "document_id")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_id: str
    def __init__(self, collection_id: _Optional[str] = ..., document_id: _Optional[str] = ...) -> None: ...

class DeleteDocumentResponse(_message.Message):
    __slots__ = ("message", "success")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    message: str
    success: bool
    def __init__(self, message: _Optional[str] = ..., success: _Optional[bool] = ...) -> None: ...

class BatchDeleteDocumentsRequest(_message.Message):
    __slots__ = ("collection_id", "document_ids", "filters", "reason")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_ids: _containers.RepeatedScalarFieldContainer[str]
    filters: _filter_pb2.LogicalOperator
    reason: str
    def __init__(self, collection_id: _Optional[str] = ..., document_ids: _Optional[_Iterable[str]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class BatchDocumentResult(_message.Message):
    __slots__ = ("document_id", "success", "error")
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    success: bool
    error: str
    def __init__(self, document_id: _Optional[str] = ..., success: _Optional[bool] = ..., error: _Optional[str] = ...) -> None: ...

class BatchDeleteDocumentsResponse(_message.Message):
    __slots__ = ("deleted_count", "failed_count", "results", "limits", "message")
    class LimitsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DELETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    deleted_count: int
    failed_count: int
    results: _containers.RepeatedCompositeFieldContainer[BatchDocumentResult]
    limits: _containers.ScalarMap[str, int]
    message: str
    def __init__(self, deleted_count: _Optional[int] = ..., failed_count: _Optional[int] = ..., results: _Optional[_Iterable[_Union[BatchDocumentResult, _Mapping]]] = ..., limits: _Optional[_Mapping[str, int]] = ..., message: _Optional[str] = ...) -> None: ...

class BatchDocumentUpdate(_message.Message):
    __slots__ = ("document_id", "update_data")
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATA_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    update_data: _struct_pb2.Struct
    def __init__(self, document_id: _Optional[str] = ..., update_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class BatchUpdateDocumentsRequest(_message.Message):
    __slots__ = ("collection_id", "updates", "filters", "update_data")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATES_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATA_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    updates: _containers.RepeatedCompositeFieldContainer[BatchDocumentUpdate]
    filters: _filter_pb2.LogicalOperator
    update_data: _struct_pb2.Struct
    def __init__(self, collection_id: _Optional[str] = ..., updates: _Optional[_Iterable[_Union[BatchDocumentUpdate, _Mapping]]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., update_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class BatchUpdateDocumentsResponse(_message.Message):
    __slots__ = ("updated_count", "failed_count", "results", "message")
    UPDATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    updated_count: int
    failed_count: int
    results: _containers.RepeatedCompositeFieldContainer[BatchDocumentResult]
    message: str
    def __init__(self, updated_count: _Optional[int] = ..., failed_count: _Optional[int] = ..., results: _Optional[_Iterable[_Union[BatchDocumentResult, _Mapping]]] = ..., message: _Optional[str] = ...) -> None: ...

class BulkUpdateDocumentsRequest(_message.Message):
    __slots__ = ("collection_id", "filters", "update_data")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATA_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    filters: _filter_pb2.LogicalOperator
    update_data: _struct_pb2.Struct
    def __init__(self, collection_id: _Optional[str] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., update_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class BulkUpdateDocumentsResponse(_message.Message):
    __slots__ = ("status", "updated_count", "message")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    status: str
    updated_count: int
    message: str
    def __init__(self, status: _Optional[str] = ..., updated_count: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class GetDocumentAncestorsRequest(_message.Message):
    __slots__ = ("collection_id", "document_id")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_id: str
    def __init__(self, collection_id: _Optional[str] = ..., document_id: _Optional[str] = ...) -> None: ...

class GetDocumentAncestorsResponse(_message.Message):
    __slots__ = ("documents",)
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    def __init__(self, documents: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ...) -> None: ...

class GetDocumentDescendantsRequest(_message.Message):
    __slots__ = ("collection_id", "document_id")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_id: str
    def __init__(self, collection_id: _Optional[str] = ..., document_id: _Optional[str] = ...) -> None: ...

class GetDocumentDescendantsResponse(_message.Message):
    __slots__ = ("documents",)
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    def __init__(self, documents: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ...) -> None: ...

class CountDocumentsRequest(_message.Message):
    __slots__ = ("collection_id", "filters")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    filters: _filter_pb2.LogicalOperator
    def __init__(self, collection_id: _Optional[str] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ...) -> None: ...

class CountDocumentsResponse(_message.Message):
    __slots__ = ("collection_id", "count")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    count: int
    def __init__(self, collection_id: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class AggregationGroupBy(_message.Message):
    __slots__ = ("field", "alias", "date_trunc", "date_part")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    DATE_TRUNC_FIELD_NUMBER: _ClassVar[int]
    DATE_PART_FIELD_NUMBER: _ClassVar[int]
    field: str
    alias: str
    date_trunc: str
    date_part: str
    def __init__(self, field: _Optional[str] = ..., alias: _Optional[str] = ..., date_trunc: _Optional[str] = ..., date_part: _Optional[str] = ...) -> None: ...

class AggregationOperation(_message.Message):
    __slots__ = ("function", "field", "alias", "distinct_field")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    DISTINCT_FIELD_FIELD_NUMBER: _ClassVar[int]
    function: str
    field: str
    alias: str
    distinct_field: str
    def __init__(self, function: _Optional[str] = ..., field: _Optional[str] = ..., alias: _Optional[str] = ..., distinct_field: _Optional[str] = ...) -> None: ...

class AggregationHaving(_message.Message):
    __slots__ = ("field", "operator", "value")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    field: str
    operator: str
    value: _struct_pb2.Value
    def __init__(self, field: _Optional[str] = ..., operator: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class AggregateDocumentsRequest(_message.Message):
    __slots__ = ("collection_id", "group_by", "aggregations", "filters", "having", "unwind", "sort_by", "sort_direction", "limit")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    AGGREGATIONS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    HAVING_FIELD_NUMBER: _ClassVar[int]
    UNWIND_FIELD_NUMBER: _ClassVar[int]
    SORT_BY_FIELD_NUMBER: _ClassVar[int]
    SORT_DIRECTION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    group_by: _containers.RepeatedCompositeFieldContainer[AggregationGroupBy]
    aggregations: _containers.RepeatedCompositeFieldContainer[AggregationOperation]
    filters: _filter_pb2.LogicalOperator
    having: _containers.RepeatedCompositeFieldContainer[AggregationHaving]
    unwind: str
    sort_by: str
    sort_direction: str
    limit: int
    def __init__(self, collection_id: _Optional[str] = ..., group_by: _Optional[_Iterable[_Union[AggregationGroupBy, _Mapping]]] = ..., aggregations: _Optional[_Iterable[_Union[AggregationOperation, _Mapping]]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., having: _Optional[_Iterable[_Union[AggregationHaving, _Mapping]]] = ..., unwind: _Optional[str] = ..., sort_by: _Optional[str] = ..., sort_direction: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class AggregationRow(_message.Message):
    __slots__ = ("group", "metrics")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    group: _struct_pb2.Struct
    metrics: _struct_pb2.Struct
    def __init__(self, group: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., metrics: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class AggregateDocumentsResponse(_message.Message):
    __slots__ = ("results", "total_groups", "query_info")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_GROUPS_FIELD_NUMBER: _ClassVar[int]
    QUERY_INFO_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[AggregationRow]
    total_groups: int
    query_info: _struct_pb2.Struct
    def __init__(self, results: _Optional[_Iterable[_Union[AggregationRow, _Mapping]]] = ..., total_groups: _Optional[int] = ..., query_info: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class DistinctDocumentValuesRequest(_message.Message):
    __slots__ = ("collection_id", "field", "filters", "limit")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    field: str
    filters: _filter_pb2.LogicalOperator
    limit: int
    def __init__(self, collection_id: _Optional[str] = ..., field: _Optional[str] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., limit: _Optional[int] = ...) -> None: ...

class DistinctValue(_message.Message):
    __slots__ = ("value", "count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    value: _struct_pb2.Value
    count: int
    def __init__(self, value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., count: _Optional[int] = ...) -> None: ...

class DistinctDocumentValuesResponse(_message.Message):
    __slots__ = ("field", "values", "total_distinct", "query_info")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DISTINCT_FIELD_NUMBER: _ClassVar[int]
    QUERY_INFO_FIELD_NUMBER: _ClassVar[int]
    field: str
    values: _containers.RepeatedCompositeFieldContainer[DistinctValue]
    total_distinct: int
    query_info: _struct_pb2.Struct
    def __init__(self, field: _Optional[str] = ..., values: _Optional[_Iterable[_Union[DistinctValue, _Mapping]]] = ..., total_distinct: _Optional[int] = ..., query_info: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ValidateDocumentSchemaRequest(_message.Message):
    __slots__ = ("collection_id", "document")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document: _struct_pb2.Struct
    def __init__(self, collection_id: _Optional[str] = ..., document: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class DocumentSchemaIssue(_message.Message):
    __slots__ = ("field", "message")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    field: str
    message: str
    def __init__(self, field: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ValidateDocumentSchemaResponse(_message.Message):
    __slots__ = ("collection_id", "valid", "errors", "warnings")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    valid: bool
    errors: _containers.RepeatedCompositeFieldContainer[DocumentSchemaIssue]
    warnings: _containers.RepeatedCompositeFieldContainer[DocumentSchemaIssue]
    def __init__(self, collection_id: _Optional[str] = ..., valid: _Optional[bool] = ..., errors: _Optional[_Iterable[_Union[DocumentSchemaIssue, _Mapping]]] = ..., warnings: _Optional[_Iterable[_Union[DocumentSchemaIssue, _Mapping]]] = ...) -> None: ...

class GetDocumentDiagnosticsRequest(_message.Message):
    __slots__ = ("collection_id", "document_id")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    document_id: str
    def __init__(self, collection_id: _Optional[str] = ..., document_id: _Optional[str] = ...) -> None: ...

class DocumentVisibility(_message.Message):
    __slots__ = ("searchable", "reason", "source_object_id")
    SEARCHABLE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    searchable: bool
    reason: str
    source_object_id: str
    def __init__(self, searchable: _Optional[bool] = ..., reason: _Optional[str] = ..., source_object_id: _Optional[str] = ...) -> None: ...

class DocumentFailures(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class DocumentHistoryEntry(_message.Message):
    __slots__ = ("source", "timestamp", "detail")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    source: str
    timestamp: str
    detail: _struct_pb2.Struct
    def __init__(self, source: _Optional[str] = ..., timestamp: _Optional[str] = ..., detail: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class DocumentHistory(_message.Message):
    __slots__ = ("entries", "reason")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[DocumentHistoryEntry]
    reason: str
    def __init__(self, entries: _Optional[_Iterable[_Union[DocumentHistoryEntry, _Mapping]]] = ..., reason: _Optional[str] = ...) -> None: ...

class DocumentSourceObject(_message.Message):
    __slots__ = ("object_id", "bucket_id", "exists")
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    EXISTS_FIELD_NUMBER: _ClassVar[int]
    object_id: str
    bucket_id: str
    exists: bool
    def __init__(self, object_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., exists: _Optional[bool] = ...) -> None: ...

class GetDocumentDiagnosticsResponse(_message.Message):
    __slots__ = ("document_id", "collection_id", "source_object_id", "visibility_reason", "recent_failures", "diagnostic_history", "vectors", "missing_vectors", "lineage", "source_object")
    class VectorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_REASON_FIELD_NUMBER: _ClassVar[int]
    RECENT_FAILURES_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTIC_HISTORY_FIELD_NUMBER: _ClassVar[int]
    VECTORS_FIELD_NUMBER: _ClassVar[int]
    MISSING_VECTORS_FIELD_NUMBER: _ClassVar[int]
    LINEAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OBJECT_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    collection_id: str
    source_object_id: str
    visibility_reason: DocumentVisibility
    recent_failures: DocumentFailures
    diagnostic_history: DocumentHistory
    vectors: _containers.ScalarMap[str, int]
    missing_vectors: _containers.RepeatedScalarFieldContainer[str]
    lineage: _struct_pb2.Struct
    source_object: DocumentSourceObject
    def __init__(self, document_id: _Optional[str] = ..., collection_id: _Optional[str] = ..., source_object_id: _Optional[str] = ..., visibility_reason: _Optional[_Union[DocumentVisibility, _Mapping]] = ..., recent_failures: _Optional[_Union[DocumentFailures, _Mapping]] = ..., diagnostic_history: _Optional[_Union[DocumentHistory, _Mapping]] = ..., vectors: _Optional[_Mapping[str, int]] = ..., missing_vectors: _Optional[_Iterable[str]] = ..., lineage: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., source_object: _Optional[_Union[DocumentSourceObject, _Mapping]] = ...) -> None: ...

class ListNamespaceDocumentsRequest(_message.Message):
    __slots__ = ("collection_ids", "limit", "offset", "cursor", "include_total", "filters", "sort", "return_vectors", "page_size", "return_presigned_urls")
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    offset: int
    cursor: str
    include_total: bool
    filters: _filter_pb2.LogicalOperator
    sort: _list_pb2.SortOption
    return_vectors: bool
    page_size: int
    return_presigned_urls: bool
    def __init__(self, collection_ids: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., sort: _Optional[_Union[_list_pb2.SortOption, _Mapping]] = ..., return_vectors: _Optional[bool] = ..., page_size: _Optional[int] = ..., return_presigned_urls: _Optional[bool] = ...) -> None: ...

class ListNamespaceDocumentsResponse(_message.Message):
    __slots__ = ("results", "pagination", "total_count", "unknown_collection_ids")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    pagination: _list_pb2.Pagination
    total_count: int
    unknown_collection_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, results: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total_count: _Optional[int] = ..., unknown_collection_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchListDocumentsQuery(_message.Message):
    __slots__ = ("key", "request")
    KEY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    key: str
    request: ListNamespaceDocumentsRequest
    def __init__(self, key: _Optional[str] = ..., request: _Optional[_Union[ListNamespaceDocumentsRequest, _Mapping]] = ...) -> None: ...

class BatchListNamespaceDocumentsRequest(_message.Message):
    __slots__ = ("queries",)
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    queries: _containers.RepeatedCompositeFieldContainer[BatchListDocumentsQuery]
    def __init__(self, queries: _Optional[_Iterable[_Union[BatchListDocumentsQuery, _Mapping]]] = ...) -> None: ...

class BatchListDocumentsResult(_message.Message):
    __slots__ = ("key", "response", "error")
    KEY_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    key: str
    response: ListNamespaceDocumentsResponse
    error: str
    def __init__(self, key: _Optional[str] = ..., response: _Optional[_Union[ListNamespaceDocumentsResponse, _Mapping]] = ..., error: _Optional[str] = ...) -> None: ...

class BatchListNamespaceDocumentsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[BatchListDocumentsResult]
    def __init__(self, results: _Optional[_Iterable[_Union[BatchListDocumentsResult, _Mapping]]] = ...) -> None: ...

class BatchGetDocumentsRequest(_message.Message):
    __slots__ = ("document_ids", "return_presigned_urls")
    DOCUMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    document_ids: _containers.RepeatedScalarFieldContainer[str]
    return_presigned_urls: bool
    def __init__(self, document_ids: _Optional[_Iterable[str]] = ..., return_presigned_urls: _Optional[bool] = ...) -> None: ...

class BatchGetDocumentsResponse(_message.Message):
    __slots__ = ("documents", "not_found")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    NOT_FOUND_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    not_found: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, documents: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., not_found: _Optional[_Iterable[str]] = ...) -> None: ...

class GetNamespaceDocumentRequest(_message.Message):
    __slots__ = ("document_id", "return_vectors")
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    return_vectors: bool
    def __init__(self, document_id: _Optional[str] = ..., return_vectors: _Optional[bool] = ...) -> None: ...

class GetNamespaceDocumentResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _struct_pb2.Struct
    def __init__(self, document: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class UpdateNamespaceDocumentResponse(_message.Message):
    __slots__ = ("document",)
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    document: _struct_pb2.Struct
    def __init__(self, document: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class UpdateNamespaceDocumentRequest(_message.Message):
    __slots__ = ("document_id", "update_data")
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_DATA_FIELD_NUMBER: _ClassVar[int]
    document_id: str
    update_data: _struct_pb2.Struct
    def __init__(self, document_id: _Optional[str] = ..., update_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
