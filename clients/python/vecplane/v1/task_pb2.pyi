from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from vecplane.v1 import filter_pb2 as _filter_pb2
from vecplane.v1 import list_pb2 as _list_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProcessingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROCESSING_STATUS_UNSPECIFIED: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_DRAFT: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_PENDING: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_IN_PROGRESS: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_COMPLETED: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_COMPLETED_WITH_ERRORS: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_FAILED: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_CANCELED: _ClassVar[ProcessingStatus]
PROCESSING_STATUS_UNSPECIFIED: ProcessingStatus
PROCESSING_STATUS_DRAFT: ProcessingStatus
PROCESSING_STATUS_PENDING: ProcessingStatus
PROCESSING_STATUS_IN_PROGRESS: ProcessingStatus
PROCESSING_STATUS_COMPLETED: ProcessingStatus
PROCESSING_STATUS_COMPLETED_WITH_ERRORS: ProcessingStatus
PROCESSING_STATUS_FAILED: ProcessingStatus
PROCESSING_STATUS_CANCELED: ProcessingStatus

class TierProgress(_message.Message):
    __slots__ = ("tier_num", "collection_ids", "status", "processed", "failed", "documents_written", "source_type")
    TIER_NUM_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    tier_num: int
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    status: ProcessingStatus
    processed: int
    failed: int
    documents_written: int
    source_type: str
    def __init__(self, tier_num: _Optional[int] = ..., collection_ids: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[ProcessingStatus, str]] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ..., documents_written: _Optional[int] = ..., source_type: _Optional[str] = ...) -> None: ...

class TaskData(_message.Message):
    __slots__ = ("namespace_id", "batch_id", "collection_ids", "object_ids", "current_tier", "total_tiers", "tiers", "created_at", "updated_at")
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_TIER_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TIERS_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    namespace_id: str
    batch_id: str
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    object_ids: _containers.RepeatedScalarFieldContainer[str]
    current_tier: int
    total_tiers: int
    tiers: _containers.RepeatedCompositeFieldContainer[TierProgress]
    created_at: str
    updated_at: str
    def __init__(self, namespace_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., collection_ids: _Optional[_Iterable[str]] = ..., object_ids: _Optional[_Iterable[str]] = ..., current_tier: _Optional[int] = ..., total_tiers: _Optional[int] = ..., tiers: _Optional[_Iterable[_Union[TierProgress, _Mapping]]] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("task_id", "task_type", "status", "additional_data", "error")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ADDITIONAL_DATA_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    task_type: str
    status: ProcessingStatus
    additional_data: TaskData
    error: str
    def __init__(self, task_id: _Optional[str] = ..., task_type: _Optional[str] = ..., status: _Optional[_Union[ProcessingStatus, str]] = ..., additional_data: _Optional[_Union[TaskData, _Mapping]] = ..., error: _Optional[str] = ...) -> None: ...

class TriggerCollectionRequest(_message.Message):
    __slots__ = ("collection_id", "object_ids", "include_buckets", "include_collections", "source_filters", "dedup_strategy")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_BUCKETS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_COLLECTIONS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FILTERS_FIELD_NUMBER: _ClassVar[int]
    DEDUP_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    object_ids: _containers.RepeatedScalarFieldContainer[str]
    include_buckets: _containers.RepeatedScalarFieldContainer[str]
    include_collections: _containers.RepeatedScalarFieldContainer[str]
    source_filters: _filter_pb2.LogicalOperator
    dedup_strategy: str
    def __init__(self, collection_id: _Optional[str] = ..., object_ids: _Optional[_Iterable[str]] = ..., include_buckets: _Optional[_Iterable[str]] = ..., include_collections: _Optional[_Iterable[str]] = ..., source_filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., dedup_strategy: _Optional[str] = ...) -> None: ...

class TriggerCollectionResponse(_message.Message):
    __slots__ = ("task_id", "collection_id", "total_tiers", "message", "object_count")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TIERS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    collection_id: str
    total_tiers: int
    message: str
    object_count: int
    def __init__(self, task_id: _Optional[str] = ..., collection_id: _Optional[str] = ..., total_tiers: _Optional[int] = ..., message: _Optional[str] = ..., object_count: _Optional[int] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class GetTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: Task
    def __init__(self, task: _Optional[_Union[Task, _Mapping]] = ...) -> None: ...

class ListTasksRequest(_message.Message):
    __slots__ = ("status", "offset", "limit", "task_type", "page_size", "page", "cursor", "next_cursor", "after")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    status: ProcessingStatus
    offset: int
    limit: int
    task_type: str
    page_size: int
    page: int
    cursor: str
    next_cursor: str
    after: str
    def __init__(self, status: _Optional[_Union[ProcessingStatus, str]] = ..., offset: _Optional[int] = ..., limit: _Optional[int] = ..., task_type: _Optional[str] = ..., page_size: _Optional[int] = ..., page: _Optional[int] = ..., cursor: _Optional[str] = ..., next_cursor: _Optional[str] = ..., after: _Optional[str] = ...) -> None: ...

class ListTasksResponse(_message.Message):
    __slots__ = ("results", "pagination")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Task]
    pagination: _list_pb2.Pagination
    def __init__(self, results: _Optional[_Iterable[_Union[Task, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ...) -> None: ...

class CancelTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class CancelTaskResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: Task
    def __init__(self, task: _Optional[_Union[Task, _Mapping]] = ...) -> None: ...
