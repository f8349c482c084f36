from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from vecplane.v1 import filter_pb2 as _filter_pb2
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
    __slots__ = ("batch_id", "bucket_id", "namespace_id", "batch_name", "status", "object_ids", "collection_ids", "task_id", "tier_tasks", "progress", "total_tiers", "failed_object_count", "retry_count", "error", "metadata", "created_at", "updated_at", "max_node_death_resubmits", "max_deploy_resubmits")
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
    def __init__(self, batch_id: _Optional[str] = ..., bucket_id: _Optional[str] = ..., namespace_id: _Optional[str] = ..., batch_name: _Optional[str] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., object_ids: _Optional[_Iterable[str]] = ..., collection_ids: _Optional[_Iterable[str]] = ..., task_id: _Optional[str] = ..., tier_tasks: _Optional[_Iterable[_Union[_task_pb2.TierProgress, _Mapping]]] = ..., progress: _Optional[_Union[BatchProgress, _Mapping]] = ..., total_tiers: _Optional[int] = ..., failed_object_count: _Optional[int] = ..., retry_count: _Optional[int] = ..., error: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., max_node_death_resubmits: _Optional[int] = ..., max_deploy_resubmits: _Optional[int] = ...) -> None: ...

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
    __slots__ = ("bucket_id", "offset", "limit", "status", "collection_id", "namespace_id")
    BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    bucket_id: str
    offset: int
    limit: int
    status: _task_pb2.ProcessingStatus
    collection_id: str
    namespace_id: str
    def __init__(self, bucket_id: _Optional[str] = ..., offset: _Optional[int] = ..., limit: _Optional[int] = ..., status: _Optional[_Union[_task_pb2.ProcessingStatus, str]] = ..., collection_id: _Optional[str] = ..., namespace_id: _Optional[str] = ...) -> None: ...

class ListBatchesResponse(_message.Message):
    __slots__ = ("results", "total_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Batch]
    total_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[Batch, _Mapping]]] = ..., total_count: _Optional[int] = ...) -> None: ...

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
