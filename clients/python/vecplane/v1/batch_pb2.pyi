from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from vecplane.v1 import filter_pb2 as _filter_pb2
from vecplane.v1 import list_pb2 as _list_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from vecplane.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BatchProgress(_message.Message):
    __slots__ = ("processed", "errors", "documents_written", "total")
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    processed: int
    errors: int
    documents_written: int
    total: int
    def __init__(self, processed: _Optional[int] = ..., errors: _Optional[int] = ..., documents_written: _Optional[int] = ..., total: _Optional[int] = ...) -> None: ...

class Batch(_message.Message):
    __slots__ = ("batch_id", "bucket_id", "namespace_id", "batch_name", "status", "object_ids", "collection_ids", "task_id", "tier_tasks", "progress", "total_tiers", "failed_object_count", "retry_count", "error", "metadata", "created_at", "updated_at", "max_node_death_resubmits", "max_deploy_resubmits", "batch_group_id")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_TASKS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TIERS_FIELD_NUMBER: _ClassVar[int]
    FAILED_OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    RETRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    MAX_NODE_DEATH_RESUBMITS_FIELD_NUMBER: _ClassVar[int]
    MAX_DEPLOY_RESUBMITS_FIELD_NUMBER: _ClassVar[int]
    BATCH_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    bucket_id: str
    namespace_id: str
    batch_name: str
    status: _task_pb2.ProcessingStatus
    object_ids: _containers.RepeatedScalarFieldContainer[str]
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    task_id: str
    tier_tasks: _containers.RepeatedCompositeFieldContainer[_task_pb2.TierProgress]
    progress: BatchProgress
    total_tiers: int
    failed_object_count: int
    retry_count: int
    error: str
    metadata: _struct_pb2.Struct
    created_at: str
    updated_at: str
    max_node_death_resubmits: int
    max_deploy_resubmits: int
    batch_group_id: str
    def __init__(self, batch_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., namespace_id: _Optional[str] = ..., batch_name: _Optional[str] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., object_ids: _Optional[_Iterable[str]] = ..., collection_ids: _Optional[_Iterable[str]] = ..., task_id: _Optional[str] = ..., tier_tasks: _Optional[_Iterable[_Union[_task_pb2.TierProgress, _Mapping]]] = ..., progress: _Optional[_Union[BatchProgress, _Mapping]] = ..., total_tiers: _Optional[int] = ..., failed_object_count: _Optional[int] = ..., retry_count: _Optional[int] = ..., error: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., max_node_death_resubmits: _Optional[int] = ..., max_deploy_resubmits: _Optional[int] = ..., batch_group_id: _Optional[str] = ...) -> None: ...

class CreateBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "object_ids", "collection_ids", "batch_name", "metadata", "auto_submit", "filters", "limit", "trigger_processing", "skip_validation")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    BATCH_NAME_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    AUTO_SUBMIT_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_PROCESSING_FIELD_NUMBER: _ClassVar[int]
    SKIP_VALIDATION_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    object_ids: _containers.RepeatedScalarFieldContainer[str]
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    batch_name: str
    metadata: _struct_pb2.Struct
    auto_submit: bool
    filters: _filter_pb2.LogicalOperator
    limit: int
    trigger_processing: bool
    skip_validation: bool
    def __init__(self, bucket_id: _Optional[str] = ..., object_ids: _Optional[_Iterable[str]] = ..., collection_ids: _Optional[_Iterable[str]] = ..., batch_name: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., auto_submit: _Optional[bool] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., limit: _Optional[int] = ..., trigger_processing: _Optional[bool] = ..., skip_validation: _Optional[bool] = ...) -> None: ...

class CreateBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class GetBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class GetBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class ListBatchesRequest(_message.Message):
    __slots__ = ("bucket_id", "offset", "limit", "status", "collection_id", "namespace_id", "cursor")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    offset: int
    limit: int
    status: _task_pb2.ProcessingStatus
    collection_id: str
    namespace_id: str
    cursor: str
    def __init__(self, bucket_id: _Optional[str] = ..., offset: _Optional[int] = ..., limit: _Optional[int] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., collection_id: _Optional[str] = ..., namespace_id: _Optional[str] = ..., cursor: _Optional[str] = ...) -> None: ...

class ListBatchesResponse(_message.Message):
    __slots__ = ("results", "total_count", "pagination")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Batch]
    total_count: int
    pagination: _list_pb2.Pagination
    def __init__(self, results: _Optional[_Iterable[_Union[Batch, _Mapping]]] = ..., total_count: _Optional[int] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ...) -> None: ...

class AddBatchObjectsRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id", "object_ids")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    object_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., object_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AddBatchObjectsResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class SubmitBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class SubmitBatchResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class CancelBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class CancelBatchResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class RetryBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id", "retry_mode", "tier_nums", "max_retry_count")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RETRY_MODE_FIELD_NUMBER: _ClassVar[int]
    TIER_NUMS_FIELD_NUMBER: _ClassVar[int]
    MAX_RETRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    retry_mode: str
    tier_nums: _containers.RepeatedScalarFieldContainer[int]
    max_retry_count: int
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., retry_mode: _Optional[str] = ..., tier_nums: _Optional[_Iterable[int]] = ..., max_retry_count: _Optional[int] = ...) -> None: ...

class RetryBatchResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class DeleteBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class DeleteBatchResponse(_message.Message):
    __slots__ = ("message", "success")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    message: str
    success: bool
    def __init__(self, message: _Optional[str] = ..., success: _Optional[bool] = ...) -> None: ...

class ListFailedDocumentsRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id", "limit", "offset")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    limit: int
    offset: int
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ...) -> None: ...

class FailedDocument(_message.Message):
    __slots__ = ("source_id", "object_id", "collection_id", "tier_num", "error")
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_NUM_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    source_id: str
    object_id: str
    collection_id: str
    tier_num: int
    error: str
    def __init__(self, source_id: _Optional[str] = ..., object_id: _Optional[str] = ..., collection_id: _Optional[str] = ..., tier_num: _Optional[int] = ..., error: _Optional[str] = ...) -> None: ...

class ListFailedDocumentsResponse(_message.Message):
    __slots__ = ("results", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[FailedDocument]
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[FailedDocument, _Mapping]]] = ..., total_count: _Optional[int] = ...) -> None: ...

class PatchBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id", "metadata", "batch_name", "collection_ids")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    BATCH_NAME_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    metadata: _struct_pb2.Struct
    batch_name: str
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., batch_name: _Optional[str] = ..., collection_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class PatchBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class SubmitAllDraftsRequest(_message.Message):
    __slots__ = ("bucket_id",)
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    def __init__(self, bucket_id: _Optional[str] = ...) -> None: ...

class SubmittedBatch(_message.Message):
    __slots__ = ("batch_id", "status", "task_id", "object_count", "error")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    status: str
    task_id: str
    object_count: int
    error: str
    def __init__(self, batch_id: _Optional[str] = ..., status: _Optional[str] = ..., task_id: _Optional[str] = ..., object_count: _Optional[int] = ..., error: _Optional[str] = ...) -> None: ...

class SubmitAllDraftsResponse(_message.Message):
    __slots__ = ("submitted", "failed", "results", "remaining", "message")
    SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    submitted: int
    failed: int
    results: _containers.RepeatedCompositeFieldContainer[SubmittedBatch]
    remaining: int
    message: str
    def __init__(self, submitted: _Optional[int] = ..., failed: _Optional[int] = ..., results: _Optional[_Iterable[_Union[SubmittedBatch, _Mapping]]] = ..., remaining: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class BulkSubmitBatchesRequest(_message.Message):
    __slots__ = ("bucket_id", "collection_ids", "filters", "chunk_size", "max_objects")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    CHUNK_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_OBJECTS_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    filters: _filter_pb2.LogicalOperator
    chunk_size: int
    max_objects: int
    def __init__(self, bucket_id: _Optional[str] = ..., collection_ids: _Optional[_Iterable[str]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., chunk_size: _Optional[int] = ..., max_objects: _Optional[int] = ...) -> None: ...

class BulkSubmitBatchesResponse(_message.Message):
    __slots__ = ("batch_group_id", "total_objects", "total_batches", "submitted", "failed", "chunk_size", "batches")
    BATCH_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OBJECTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BATCHES_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    CHUNK_SIZE_FIELD_NUMBER: _ClassVar[int]
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    batch_group_id: str
    total_objects: int
    total_batches: int
    submitted: int
    failed: int
    chunk_size: int
    batches: _containers.RepeatedCompositeFieldContainer[SubmittedBatch]
    def __init__(self, batch_group_id: _Optional[str] = ..., total_objects: _Optional[int] = ..., total_batches: _Optional[int] = ..., submitted: _Optional[int] = ..., failed: _Optional[int] = ..., chunk_size: _Optional[int] = ..., batches: _Optional[_Iterable[_Union[SubmittedBatch, _Mapping]]] = ...) -> None: ...

class ResubmitBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id", "from_tier", "auto_submit", "trigger_processing")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    AUTO_SUBMIT_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_PROCESSING_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    from_tier: int
    auto_submit: bool
    trigger_processing: bool
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., from_tier: _Optional[int] = ..., auto_submit: _Optional[bool] = ..., trigger_processing: _Optional[bool] = ...) -> None: ...

class ResubmitBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: Batch
    def __init__(self, batch: _Optional[_Union[Batch, _Mapping]] = ...) -> None: ...

class BatchEvent(_message.Message):
    __slots__ = ("at", "event", "status", "task_id", "tier_num", "message")
    AT_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_NUM_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    at: str
    event: str
    status: str
    task_id: str
    tier_num: int
    message: str
    def __init__(self, at: _Optional[str] = ..., event: _Optional[str] = ..., status: _Optional[str] = ..., task_id: _Optional[str] = ..., tier_num: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class GetBatchAuditRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class TierAudit(_message.Message):
    __slots__ = ("tier_num", "collection_ids", "submitted", "processed", "failed", "skipped", "lost", "balanced", "notes")
    TIER_NUM_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    LOST_FIELD_NUMBER: _ClassVar[int]
    BALANCED_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    tier_num: int
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    submitted: int
    processed: int
    failed: int
    skipped: int
    lost: int
    balanced: bool
    notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tier_num: _Optional[int] = ..., collection_ids: _Optional[_Iterable[str]] = ..., submitted: _Optional[int] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ..., skipped: _Optional[int] = ..., lost: _Optional[int] = ..., balanced: _Optional[bool] = ..., notes: _Optional[_Iterable[str]] = ...) -> None: ...

class GetBatchAuditResponse(_message.Message):
    __slots__ = ("batch_id", "status", "task_id", "tiers", "all_balanced", "has_lost_objects", "events")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    ALL_BALANCED_FIELD_NUMBER: _ClassVar[int]
    HAS_LOST_OBJECTS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    status: _task_pb2.ProcessingStatus
    task_id: str
    tiers: _containers.RepeatedCompositeFieldContainer[TierAudit]
    all_balanced: bool
    has_lost_objects: bool
    events: _containers.RepeatedCompositeFieldContainer[BatchEvent]
    def __init__(self, batch_id: _Optional[str] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., task_id: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[TierAudit, _Mapping]]] = ..., all_balanced: _Optional[bool] = ..., has_lost_objects: _Optional[bool] = ..., events: _Optional[_Iterable[_Union[BatchEvent, _Mapping]]] = ...) -> None: ...

class GetBatchLogsRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id", "tier_num")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_NUM_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    tier_num: int
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., tier_num: _Optional[int] = ...) -> None: ...

class GetBatchLogsResponse(_message.Message):
    __slots__ = ("batch_id", "logs", "total_count")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    LOGS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    logs: _containers.RepeatedCompositeFieldContainer[BatchEvent]
    total_count: int
    def __init__(self, batch_id: _Optional[str] = ..., logs: _Optional[_Iterable[_Union[BatchEvent, _Mapping]]] = ..., total_count: _Optional[int] = ...) -> None: ...

class DiagnoseBatchRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class BatchTiming(_message.Message):
    __slots__ = ("created_at", "submitted_at", "started_at", "finished_at", "duration_ms")
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    created_at: str
    submitted_at: str
    started_at: str
    finished_at: str
    duration_ms: int
    def __init__(self, created_at: _Optional[str] = ..., submitted_at: _Optional[str] = ..., started_at: _Optional[str] = ..., finished_at: _Optional[str] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class DiagnoseBatchResponse(_message.Message):
    __slots__ = ("batch_id", "status", "task_id", "error", "timing", "progress", "tier_tasks", "failed_document_count", "failed_documents", "error_summary", "infrastructure_events", "recommendations")
    class ErrorSummaryEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    TIMING_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    TIER_TASKS_FIELD_NUMBER: _ClassVar[int]
    FAILED_DOCUMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    FAILED_DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    INFRASTRUCTURE_EVENTS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    status: _task_pb2.ProcessingStatus
    task_id: str
    error: str
    timing: BatchTiming
    progress: BatchProgress
    tier_tasks: _containers.RepeatedCompositeFieldContainer[_task_pb2.TierProgress]
    failed_document_count: int
    failed_documents: _containers.RepeatedCompositeFieldContainer[FailedDocument]
    error_summary: _containers.ScalarMap[str, int]
    infrastructure_events: _containers.RepeatedCompositeFieldContainer[BatchEvent]
    recommendations: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, batch_id: _Optional[str] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., task_id: _Optional[str] = ..., error: _Optional[str] = ..., timing: _Optional[_Union[BatchTiming, _Mapping]] = ..., progress: _Optional[_Union[BatchProgress, _Mapping]] = ..., tier_tasks: _Optional[_Iterable[_Union[_task_pb2.TierProgress, _Mapping]]] = ..., failed_document_count: _Optional[int] = ..., failed_documents: _Optional[_Iterable[_Union[FailedDocument, _Mapping]]] = ..., error_summary: _Optional[_Mapping[str, int]] = ..., infrastructure_events: _Optional[_Iterable[_Union[BatchEvent, _Mapping]]] = ..., recommendations: _Optional[_Iterable[str]] = ...) -> None: ...

class EstimateBatchCostRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class EstimateBatchCostResponse(_message.Message):
    __slots__ = ("batch_id", "collection_ids", "dedup_strategy", "object_count", "already_extracted_count", "estimated_credits", "estimated_usd", "estimated_repay_credits", "extractors", "warnings")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    DEDUP_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ALREADY_EXTRACTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_CREDITS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_USD_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_REPAY_CREDITS_FIELD_NUMBER: _ClassVar[int]
    EXTRACTORS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    dedup_strategy: str
    object_count: int
    already_extracted_count: int
    estimated_credits: int
    estimated_usd: float
    estimated_repay_credits: int
    extractors: _containers.RepeatedScalarFieldContainer[str]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, batch_id: _Optional[str] = ..., collection_ids: _Optional[_Iterable[str]] = ..., dedup_strategy: _Optional[str] = ..., object_count: _Optional[int] = ..., already_extracted_count: _Optional[int] = ..., estimated_credits: _Optional[int] = ..., estimated_usd: _Optional[float] = ..., estimated_repay_credits: _Optional[int] = ..., extractors: _Optional[_Iterable[str]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteBatchDocumentsRequest(_message.Message):
    __slots__ = ("bucket_id", "batch_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    batch_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., batch_id: _Optional[str] = ...) -> None: ...

class DeleteBatchDocumentsResponse(_message.Message):
    __slots__ = ("batch_id", "deleted_count", "by_collection", "message", "success")
    class ByCollectionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    DELETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    BY_COLLECTION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    deleted_count: int
    by_collection: _containers.ScalarMap[str, int]
    message: str
    success: bool
    def __init__(self, batch_id: _Optional[str] = ..., deleted_count: _Optional[int] = ..., by_collection: _Optional[_Mapping[str, int]] = ..., message: _Optional[str] = ..., success: _Optional[bool] = ...) -> None: ...

class GetBatchQueueRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueuedTask(_message.Message):
    __slots__ = ("task_id", "task_type", "batch_id", "namespace_id", "status", "created_at")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    task_type: str
    batch_id: str
    namespace_id: str
    status: _task_pb2.ProcessingStatus
    created_at: str
    def __init__(self, task_id: _Optional[str] = ..., task_type: _Optional[str] = ..., batch_id: _Optional[str] = ..., namespace_id: _Optional[str] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., created_at: _Optional[str] = ...) -> None: ...

class GetBatchQueueResponse(_message.Message):
    __slots__ = ("active_count", "waiting_count", "active", "waiting")
    ACTIVE_COUNT_FIELD_NUMBER: _ClassVar[int]
    WAITING_COUNT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    active_count: int
    waiting_count: int
    active: _containers.RepeatedCompositeFieldContainer[QueuedTask]
    waiting: _containers.RepeatedCompositeFieldContainer[QueuedTask]
    def __init__(self, active_count: _Optional[int] = ..., waiting_count: _Optional[int] = ..., active: _Optional[_Iterable[_Union[QueuedTask, _Mapping]]] = ..., waiting: _Optional[_Iterable[_Union[QueuedTask, _Mapping]]] = ...) -> None: ...
