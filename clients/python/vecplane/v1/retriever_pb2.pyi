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

class StageBody(_message.Message):
    __slots__ = ("stage_id", "parameters", "pre_filters")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PRE_FILTERS_FIELD_NUMBER: _ClassVar[int]
    stage_id: str
    parameters: _struct_pb2.Struct
    pre_filters: _struct_pb2.Struct
    def __init__(self, stage_id: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., pre_filters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class StageConfig(_message.Message):
    __slots__ = ("stage_name", "stage_type", "config", "description", "parameters")
    STAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    STAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    stage_name: str
    stage_type: str
    config: StageBody
    description: str
    parameters: _struct_pb2.Struct
    def __init__(self, stage_name: _Optional[str] = ..., stage_type: _Optional[str] = ..., config: _Optional[_Union[StageBody, _Mapping]] = ..., description: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class Retriever(_message.Message):
    __slots__ = ("retriever_id", "retriever_name", "description", "collection_ids", "collection_identifiers", "stages", "input_schema", "tags", "metadata", "version", "namespace_id", "created_at", "updated_at", "is_published")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    IS_PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    retriever_name: str
    description: str
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    collection_identifiers: _containers.RepeatedScalarFieldContainer[str]
    stages: _containers.RepeatedCompositeFieldContainer[StageConfig]
    input_schema: _struct_pb2.Struct
    tags: _containers.RepeatedScalarFieldContainer[str]
    metadata: _struct_pb2.Struct
    version: int
    namespace_id: str
    created_at: str
    updated_at: str
    is_published: bool
    def __init__(self, retriever_id: _Optional[str] = ..., retriever_name: _Optional[str] = ..., description: _Optional[str] = ..., collection_ids: _Optional[_Iterable[str]] = ..., collection_identifiers: _Optional[_Iterable[str]] = ..., stages: _Optional[_Iterable[_Union[StageConfig, _Mapping]]] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., version: _Optional[int] = ..., namespace_id: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., is_published: _Optional[bool] = ...) -> None: ...

class CreateRetrieverRequest(_message.Message):
    __slots__ = ("retriever_name", "description", "collection_identifiers", "collection_ids", "stages", "input_schema", "tags", "metadata", "requires_subscription")
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    retriever_name: str
    description: str
    collection_identifiers: _containers.RepeatedScalarFieldContainer[str]
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    stages: _containers.RepeatedCompositeFieldContainer[StageConfig]
    input_schema: _struct_pb2.Struct
    tags: _containers.RepeatedScalarFieldContainer[str]
    metadata: _struct_pb2.Struct
    requires_subscription: bool
    def __init__(self, retriever_name: _Optional[str] = ..., description: _Optional[str] = ..., collection_identifiers: _Optional[_Iterable[str]] = ..., collection_ids: _Optional[_Iterable[str]] = ..., stages: _Optional[_Iterable[_Union[StageConfig, _Mapping]]] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., requires_subscription: _Optional[bool] = ...) -> None: ...

class GetRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id",)
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    def __init__(self, retriever_id: _Optional[str] = ...) -> None: ...

class ListRetrieversRequest(_message.Message):
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

class ListRetrieversResponse(_message.Message):
    __slots__ = ("results", "pagination", "total")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[Retriever]
    pagination: _list_pb2.Pagination
    total: int
    def __init__(self, results: _Optional[_Iterable[_Union[Retriever, _Mapping]]] = ..., pagination: _Optional[_Union[_list_pb2.Pagination, _Mapping]] = ..., total: _Optional[int] = ...) -> None: ...

class UpdateRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id", "retriever_name", "description", "collection_identifiers", "stages", "input_schema", "tags", "metadata")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    retriever_name: str
    description: str
    collection_identifiers: _containers.RepeatedScalarFieldContainer[str]
    stages: _containers.RepeatedCompositeFieldContainer[StageConfig]
    input_schema: _struct_pb2.Struct
    tags: _containers.RepeatedScalarFieldContainer[str]
    metadata: _struct_pb2.Struct
    def __init__(self, retriever_id: _Optional[str] = ..., retriever_name: _Optional[str] = ..., description: _Optional[str] = ..., collection_identifiers: _Optional[_Iterable[str]] = ..., stages: _Optional[_Iterable[_Union[StageConfig, _Mapping]]] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class UpdateRetrieverResponse(_message.Message):
    __slots__ = ("retriever",)
    RETRIEVER_FIELD_NUMBER: _ClassVar[int]
    retriever: Retriever
    def __init__(self, retriever: _Optional[_Union[Retriever, _Mapping]] = ...) -> None: ...

class DeleteRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id",)
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    def __init__(self, retriever_id: _Optional[str] = ...) -> None: ...

class DeleteRetrieverResponse(_message.Message):
    __slots__ = ("message", "success")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    message: str
    success: bool
    def __init__(self, message: _Optional[str] = ..., success: _Optional[bool] = ...) -> None: ...

class ExecutePagination(_message.Message):
    __slots__ = ("method", "page_size", "page_number", "limit", "cursor")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    method: str
    page_size: int
    page_number: int
    limit: int
    cursor: str
    def __init__(self, method: _Optional[str] = ..., page_size: _Optional[int] = ..., page_number: _Optional[int] = ..., limit: _Optional[int] = ..., cursor: _Optional[str] = ...) -> None: ...

class ReadConsistency(_message.Message):
    __slots__ = ("mode", "max_staleness_ms")
    MODE_FIELD_NUMBER: _ClassVar[int]
    MAX_STALENESS_MS_FIELD_NUMBER: _ClassVar[int]
    mode: str
    max_staleness_ms: int
    def __init__(self, mode: _Optional[str] = ..., max_staleness_ms: _Optional[int] = ...) -> None: ...

class ExecuteRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id", "inputs", "filters", "pagination", "limit", "skip_cache", "return_vectors", "stream", "return_presigned_urls", "explain", "consistency", "write_token")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    SKIP_CACHE_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    WRITE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    inputs: _struct_pb2.Struct
    filters: _filter_pb2.LogicalOperator
    pagination: ExecutePagination
    limit: int
    skip_cache: bool
    return_vectors: bool
    stream: bool
    return_presigned_urls: bool
    explain: bool
    consistency: ReadConsistency
    write_token: str
    def __init__(self, retriever_id: _Optional[str] = ..., inputs: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., pagination: _Optional[_Union[ExecutePagination, _Mapping]] = ..., limit: _Optional[int] = ..., skip_cache: _Optional[bool] = ..., return_vectors: _Optional[bool] = ..., stream: _Optional[bool] = ..., return_presigned_urls: _Optional[bool] = ..., explain: _Optional[bool] = ..., consistency: _Optional[_Union[ReadConsistency, _Mapping]] = ..., write_token: _Optional[str] = ...) -> None: ...

class ExecuteAdhocRetrieverRequest(_message.Message):
    __slots__ = ("collection_identifiers", "collection_ids", "stages", "input_schema", "inputs", "filters", "pagination", "limit", "skip_cache", "return_vectors", "retriever_name", "stream", "return_presigned_urls", "explain", "consistency", "write_token")
    COLLECTION_IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    SKIP_CACHE_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    WRITE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    collection_identifiers: _containers.RepeatedScalarFieldContainer[str]
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    stages: _containers.RepeatedCompositeFieldContainer[StageConfig]
    input_schema: _struct_pb2.Struct
    inputs: _struct_pb2.Struct
    filters: _filter_pb2.LogicalOperator
    pagination: ExecutePagination
    limit: int
    skip_cache: bool
    return_vectors: bool
    retriever_name: str
    stream: bool
    return_presigned_urls: bool
    explain: bool
    consistency: ReadConsistency
    write_token: str
    def __init__(self, collection_identifiers: _Optional[_Iterable[str]] = ..., collection_ids: _Optional[_Iterable[str]] = ..., stages: _Optional[_Iterable[_Union[StageConfig, _Mapping]]] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., inputs: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., pagination: _Optional[_Union[ExecutePagination, _Mapping]] = ..., limit: _Optional[int] = ..., skip_cache: _Optional[bool] = ..., return_vectors: _Optional[bool] = ..., retriever_name: _Optional[str] = ..., stream: _Optional[bool] = ..., return_presigned_urls: _Optional[bool] = ..., explain: _Optional[bool] = ..., consistency: _Optional[_Union[ReadConsistency, _Mapping]] = ..., write_token: _Optional[str] = ...) -> None: ...

class StageStatistic(_message.Message):
    __slots__ = ("input_count", "output_count", "duration_ms", "efficiency")
    INPUT_COUNT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    input_count: int
    output_count: int
    duration_ms: float
    efficiency: float
    def __init__(self, input_count: _Optional[int] = ..., output_count: _Optional[int] = ..., duration_ms: _Optional[float] = ..., efficiency: _Optional[float] = ...) -> None: ...

class StageStatistics(_message.Message):
    __slots__ = ("stages", "total_time_ms")
    class StagesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: StageStatistic
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[StageStatistic, _Mapping]] = ...) -> None: ...
    STAGES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    stages: _containers.MessageMap[str, StageStatistic]
    total_time_ms: float
    def __init__(self, stages: _Optional[_Mapping[str, StageStatistic]] = ..., total_time_ms: _Optional[float] = ...) -> None: ...

class ExecutePage(_message.Message):
    __slots__ = ("method", "returned", "total", "has_next", "cursor", "page_number", "page_size")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RETURNED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    PAGE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    method: str
    returned: int
    total: int
    has_next: bool
    cursor: str
    page_number: int
    page_size: int
    def __init__(self, method: _Optional[str] = ..., returned: _Optional[int] = ..., total: _Optional[int] = ..., has_next: _Optional[bool] = ..., cursor: _Optional[str] = ..., page_number: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class Execution(_message.Message):
    __slots__ = ("execution_id", "status", "retriever_id", "documents", "pagination", "stage_statistics", "cache_hit", "cached_at", "warnings", "explain_plan", "cached_at_unix", "consistency_mode")
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    STAGE_STATISTICS_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_FIELD_NUMBER: _ClassVar[int]
    CACHED_AT_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_PLAN_FIELD_NUMBER: _ClassVar[int]
    CACHED_AT_UNIX_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_MODE_FIELD_NUMBER: _ClassVar[int]
    execution_id: str
    status: str
    retriever_id: str
    documents: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    pagination: ExecutePage
    stage_statistics: StageStatistics
    cache_hit: bool
    cached_at: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    explain_plan: _struct_pb2.Struct
    cached_at_unix: float
    consistency_mode: str
    def __init__(self, execution_id: _Optional[str] = ..., status: _Optional[str] = ..., retriever_id: _Optional[str] = ..., documents: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., pagination: _Optional[_Union[ExecutePage, _Mapping]] = ..., stage_statistics: _Optional[_Union[StageStatistics, _Mapping]] = ..., cache_hit: _Optional[bool] = ..., cached_at: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ..., explain_plan: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., cached_at_unix: _Optional[float] = ..., consistency_mode: _Optional[str] = ...) -> None: ...

class ExecuteRetrieverResponse(_message.Message):
    __slots__ = ("execution",)
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    execution: Execution
    def __init__(self, execution: _Optional[_Union[Execution, _Mapping]] = ...) -> None: ...

class ExecuteAdhocRetrieverResponse(_message.Message):
    __slots__ = ("execution",)
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    execution: Execution
    def __init__(self, execution: _Optional[_Union[Execution, _Mapping]] = ...) -> None: ...

class CreateRetrieverResponse(_message.Message):
    __slots__ = ("retriever",)
    RETRIEVER_FIELD_NUMBER: _ClassVar[int]
    retriever: Retriever
    def __init__(self, retriever: _Optional[_Union[Retriever, _Mapping]] = ...) -> None: ...

class GetRetrieverResponse(_message.Message):
    __slots__ = ("retriever",)
    RETRIEVER_FIELD_NUMBER: _ClassVar[int]
    retriever: Retriever
    def __init__(self, retriever: _Optional[_Union[Retriever, _Mapping]] = ...) -> None: ...

class ListRetrieverStagesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StageDefinition(_message.Message):
    __slots__ = ("stage_id", "description", "category", "icon", "parameter_schema")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ICON_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    stage_id: str
    description: str
    category: str
    icon: str
    parameter_schema: _struct_pb2.Struct
    def __init__(self, stage_id: _Optional[str] = ..., description: _Optional[str] = ..., category: _Optional[str] = ..., icon: _Optional[str] = ..., parameter_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ListRetrieverStagesResponse(_message.Message):
    __slots__ = ("stages",)
    STAGES_FIELD_NUMBER: _ClassVar[int]
    stages: _containers.RepeatedCompositeFieldContainer[StageDefinition]
    def __init__(self, stages: _Optional[_Iterable[_Union[StageDefinition, _Mapping]]] = ...) -> None: ...

class CloneRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id", "retriever_name", "description", "collection_identifiers", "collection_ids", "stages", "input_schema", "tags")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDENTIFIERS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    retriever_name: str
    description: str
    collection_identifiers: _containers.RepeatedScalarFieldContainer[str]
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    stages: _containers.RepeatedCompositeFieldContainer[StageConfig]
    input_schema: _struct_pb2.Struct
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, retriever_id: _Optional[str] = ..., retriever_name: _Optional[str] = ..., description: _Optional[str] = ..., collection_identifiers: _Optional[_Iterable[str]] = ..., collection_ids: _Optional[_Iterable[str]] = ..., stages: _Optional[_Iterable[_Union[StageConfig, _Mapping]]] = ..., input_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class CloneRetrieverResponse(_message.Message):
    __slots__ = ("retriever", "source_retriever_id")
    RETRIEVER_FIELD_NUMBER: _ClassVar[int]
    SOURCE_RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    retriever: Retriever
    source_retriever_id: str
    def __init__(self, retriever: _Optional[_Union[Retriever, _Mapping]] = ..., source_retriever_id: _Optional[str] = ...) -> None: ...

class ExplainRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id", "inputs")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    inputs: _struct_pb2.Struct
    def __init__(self, retriever_id: _Optional[str] = ..., inputs: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class PlannedStage(_message.Message):
    __slots__ = ("stage_name", "stage_id", "stage_type", "description", "max_output", "parameters", "stage_index", "estimated_input", "estimated_output", "estimated_efficiency", "estimated_cost_credits", "estimated_duration_ms", "cache_likely")
    STAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    STAGE_INDEX_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_INPUT_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_COST_CREDITS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    CACHE_LIKELY_FIELD_NUMBER: _ClassVar[int]
    stage_name: str
    stage_id: str
    stage_type: str
    description: str
    max_output: int
    parameters: _struct_pb2.Struct
    stage_index: int
    estimated_input: int
    estimated_output: int
    estimated_efficiency: float
    estimated_cost_credits: float
    estimated_duration_ms: float
    cache_likely: bool
    def __init__(self, stage_name: _Optional[str] = ..., stage_id: _Optional[str] = ..., stage_type: _Optional[str] = ..., description: _Optional[str] = ..., max_output: _Optional[int] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., stage_index: _Optional[int] = ..., estimated_input: _Optional[int] = ..., estimated_output: _Optional[int] = ..., estimated_efficiency: _Optional[float] = ..., estimated_cost_credits: _Optional[float] = ..., estimated_duration_ms: _Optional[float] = ..., cache_likely: _Optional[bool] = ...) -> None: ...

class ExplainCost(_message.Message):
    __slots__ = ("total_credits", "total_duration_ms")
    TOTAL_CREDITS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    total_credits: float
    total_duration_ms: float
    def __init__(self, total_credits: _Optional[float] = ..., total_duration_ms: _Optional[float] = ...) -> None: ...

class ExplainRetrieverResponse(_message.Message):
    __slots__ = ("retriever_id", "retriever_name", "execution_plan", "total_estimated_stages", "would_hit_cache", "optimization_level", "estimated_cost")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_PLAN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ESTIMATED_STAGES_FIELD_NUMBER: _ClassVar[int]
    WOULD_HIT_CACHE_FIELD_NUMBER: _ClassVar[int]
    OPTIMIZATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_COST_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    retriever_name: str
    execution_plan: _containers.RepeatedCompositeFieldContainer[PlannedStage]
    total_estimated_stages: int
    would_hit_cache: bool
    optimization_level: str
    estimated_cost: ExplainCost
    def __init__(self, retriever_id: _Optional[str] = ..., retriever_name: _Optional[str] = ..., execution_plan: _Optional[_Iterable[_Union[PlannedStage, _Mapping]]] = ..., total_estimated_stages: _Optional[int] = ..., would_hit_cache: _Optional[bool] = ..., optimization_level: _Optional[str] = ..., estimated_cost: _Optional[_Union[ExplainCost, _Mapping]] = ...) -> None: ...

class BatchQuery(_message.Message):
    __slots__ = ("inputs", "filters")
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    inputs: _struct_pb2.Struct
    filters: _filter_pb2.LogicalOperator
    def __init__(self, inputs: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ...) -> None: ...

class ExecuteBatchRetrieverRequest(_message.Message):
    __slots__ = ("retriever_id", "queries", "settings", "concurrency", "return_presigned_urls", "return_vectors", "stream")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    RETURN_VECTORS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    queries: _containers.RepeatedCompositeFieldContainer[BatchQuery]
    settings: _struct_pb2.Struct
    concurrency: int
    return_presigned_urls: bool
    return_vectors: bool
    stream: bool
    def __init__(self, retriever_id: _Optional[str] = ..., queries: _Optional[_Iterable[_Union[BatchQuery, _Mapping]]] = ..., settings: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., concurrency: _Optional[int] = ..., return_presigned_urls: _Optional[bool] = ..., return_vectors: _Optional[bool] = ..., stream: _Optional[bool] = ...) -> None: ...

class BatchQueryError(_message.Message):
    __slots__ = ("code", "reason", "message", "field_violations")
    CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIELD_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    code: str
    reason: str
    message: str
    field_violations: _containers.RepeatedCompositeFieldContainer[BatchFieldViolation]
    def __init__(self, code: _Optional[str] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., field_violations: _Optional[_Iterable[_Union[BatchFieldViolation, _Mapping]]] = ...) -> None: ...

class BatchFieldViolation(_message.Message):
    __slots__ = ("field", "description")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    field: str
    description: str
    def __init__(self, field: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class BatchQueryResult(_message.Message):
    __slots__ = ("query_index", "status", "execution", "error")
    QUERY_INDEX_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    query_index: int
    status: str
    execution: Execution
    error: BatchQueryError
    def __init__(self, query_index: _Optional[int] = ..., status: _Optional[str] = ..., execution: _Optional[_Union[Execution, _Mapping]] = ..., error: _Optional[_Union[BatchQueryError, _Mapping]] = ...) -> None: ...

class ExecuteBatchRetrieverResponse(_message.Message):
    __slots__ = ("retriever_id", "results", "total_queries", "succeeded", "failed", "total_time_ms")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_QUERIES_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    results: _containers.RepeatedCompositeFieldContainer[BatchQueryResult]
    total_queries: int
    succeeded: int
    failed: int
    total_time_ms: float
    def __init__(self, retriever_id: _Optional[str] = ..., results: _Optional[_Iterable[_Union[BatchQueryResult, _Mapping]]] = ..., total_queries: _Optional[int] = ..., succeeded: _Optional[int] = ..., failed: _Optional[int] = ..., total_time_ms: _Optional[float] = ...) -> None: ...

class ExecutionRecord(_message.Message):
    __slots__ = ("execution_id", "status", "retriever_id", "retriever_name", "execution_mode", "created_at", "completed_at", "timestamp", "duration_ms", "credits_used", "total_processed", "total_returned", "cache_hit_rate", "cache_hit", "inputs_hash", "query_summary", "inputs", "collection_ids", "stages_completed", "total_stages", "stage_statistics", "pagination", "warnings", "error", "documents_retained", "documents", "consistency_mode", "cached_at")
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_NAME_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_MODE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    CREDITS_USED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PROCESSED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_RETURNED_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_RATE_FIELD_NUMBER: _ClassVar[int]
    CACHE_HIT_FIELD_NUMBER: _ClassVar[int]
    INPUTS_HASH_FIELD_NUMBER: _ClassVar[int]
    QUERY_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    STAGES_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STAGES_FIELD_NUMBER: _ClassVar[int]
    STAGE_STATISTICS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_RETAINED_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    CONSISTENCY_MODE_FIELD_NUMBER: _ClassVar[int]
    CACHED_AT_FIELD_NUMBER: _ClassVar[int]
    execution_id: str
    status: str
    retriever_id: str
    retriever_name: str
    execution_mode: str
    created_at: str
    completed_at: str
    timestamp: str
    duration_ms: float
    credits_used: float
    total_processed: int
    total_returned: int
    cache_hit_rate: float
    cache_hit: bool
    inputs_hash: str
    query_summary: str
    inputs: str
    collection_ids: _containers.RepeatedScalarFieldContainer[str]
    stages_completed: int
    total_stages: int
    stage_statistics: StageStatistics
    pagination: ExecutePage
    warnings: _containers.RepeatedScalarFieldContainer[str]
    error: str
    documents_retained: bool
    documents: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    consistency_mode: str
    cached_at: float
    def __init__(self, execution_id: _Optional[str] = ..., status: _Optional[str] = ..., retriever_id: _Optional[str] = ..., retriever_name: _Optional[str] = ..., execution_mode: _Optional[str] = ..., created_at: _Optional[str] = ..., completed_at: _Optional[str] = ..., timestamp: _Optional[str] = ..., duration_ms: _Optional[float] = ..., credits_used: _Optional[float] = ..., total_processed: _Optional[int] = ..., total_returned: _Optional[int] = ..., cache_hit_rate: _Optional[float] = ..., cache_hit: _Optional[bool] = ..., inputs_hash: _Optional[str] = ..., query_summary: _Optional[str] = ..., inputs: _Optional[str] = ..., collection_ids: _Optional[_Iterable[str]] = ..., stages_completed: _Optional[int] = ..., total_stages: _Optional[int] = ..., stage_statistics: _Optional[_Union[StageStatistics, _Mapping]] = ..., pagination: _Optional[_Union[ExecutePage, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., error: _Optional[str] = ..., documents_retained: _Optional[bool] = ..., documents: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., consistency_mode: _Optional[str] = ..., cached_at: _Optional[float] = ...) -> None: ...

class ExecutionListQuery(_message.Message):
    __slots__ = ("filters", "sort", "status", "start_time", "end_time", "count_only")
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    COUNT_ONLY_FIELD_NUMBER: _ClassVar[int]
    filters: _filter_pb2.LogicalOperator
    sort: _list_pb2.SortOption
    status: str
    start_time: str
    end_time: str
    count_only: bool
    def __init__(self, filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., sort: _Optional[_Union[_list_pb2.SortOption, _Mapping]] = ..., status: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., count_only: _Optional[bool] = ...) -> None: ...

class ExecutionPagination(_message.Message):
    __slots__ = ("total", "limit", "offset", "has_next", "next_cursor")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    total: int
    limit: int
    offset: int
    has_next: bool
    next_cursor: str
    def __init__(self, total: _Optional[int] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., has_next: _Optional[bool] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class ListRetrieverExecutionsRequest(_message.Message):
    __slots__ = ("retriever_id", "limit", "page_size", "offset", "page", "cursor", "include_total", "query")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    limit: int
    page_size: int
    offset: int
    page: int
    cursor: str
    include_total: bool
    query: ExecutionListQuery
    def __init__(self, retriever_id: _Optional[str] = ..., limit: _Optional[int] = ..., page_size: _Optional[int] = ..., offset: _Optional[int] = ..., page: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., query: _Optional[_Union[ExecutionListQuery, _Mapping]] = ...) -> None: ...

class ListRetrieverExecutionsResponse(_message.Message):
    __slots__ = ("results", "pagination", "total")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ExecutionRecord]
    pagination: ExecutionPagination
    total: int
    def __init__(self, results: _Optional[_Iterable[_Union[ExecutionRecord, _Mapping]]] = ..., pagination: _Optional[_Union[ExecutionPagination, _Mapping]] = ..., total: _Optional[int] = ...) -> None: ...

class ListAdhocExecutionsRequest(_message.Message):
    __slots__ = ("limit", "page_size", "offset", "page", "cursor", "include_total", "query")
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    limit: int
    page_size: int
    offset: int
    page: int
    cursor: str
    include_total: bool
    query: ExecutionListQuery
    def __init__(self, limit: _Optional[int] = ..., page_size: _Optional[int] = ..., offset: _Optional[int] = ..., page: _Optional[int] = ..., cursor: _Optional[str] = ..., include_total: _Optional[bool] = ..., query: _Optional[_Union[ExecutionListQuery, _Mapping]] = ...) -> None: ...

class ListAdhocExecutionsResponse(_message.Message):
    __slots__ = ("results", "total", "pagination")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAGINATION_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ExecutionRecord]
    total: int
    pagination: ExecutionPagination
    def __init__(self, results: _Optional[_Iterable[_Union[ExecutionRecord, _Mapping]]] = ..., total: _Optional[int] = ..., pagination: _Optional[_Union[ExecutionPagination, _Mapping]] = ...) -> None: ...

class GetRetrieverExecutionRequest(_message.Message):
    __slots__ = ("retriever_id", "execution_id")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    execution_id: str
    def __init__(self, retriever_id: _Optional[str] = ..., execution_id: _Optional[str] = ...) -> None: ...

class GetRetrieverExecutionResponse(_message.Message):
    __slots__ = ("execution",)
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    execution: ExecutionRecord
    def __init__(self, execution: _Optional[_Union[ExecutionRecord, _Mapping]] = ...) -> None: ...

class GetExecutionStatusRequest(_message.Message):
    __slots__ = ("retriever_id", "execution_id")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    execution_id: str
    def __init__(self, retriever_id: _Optional[str] = ..., execution_id: _Optional[str] = ...) -> None: ...

class GetExecutionStatusResponse(_message.Message):
    __slots__ = ("execution",)
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    execution: ExecutionRecord
    def __init__(self, execution: _Optional[_Union[ExecutionRecord, _Mapping]] = ...) -> None: ...

class GetExecutionProfileRequest(_message.Message):
    __slots__ = ("retriever_id", "execution_id")
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    retriever_id: str
    execution_id: str
    def __init__(self, retriever_id: _Optional[str] = ..., execution_id: _Optional[str] = ...) -> None: ...

class GetExecutionProfileResponse(_message.Message):
    __slots__ = ("execution_id", "retriever_id", "query_profile", "created_at")
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_PROFILE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    execution_id: str
    retriever_id: str
    query_profile: _struct_pb2.Struct
    created_at: str
    def __init__(self, execution_id: _Optional[str] = ..., retriever_id: _Optional[str] = ..., query_profile: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., created_at: _Optional[str] = ...) -> None: ...

class GetAdhocExecutionRequest(_message.Message):
    __slots__ = ("execution_id",)
    EXECUTION_ID_FIELD_NUMBER: _ClassVar[int]
    execution_id: str
    def __init__(self, execution_id: _Optional[str] = ...) -> None: ...

class GetAdhocExecutionResponse(_message.Message):
    __slots__ = ("execution",)
    EXECUTION_FIELD_NUMBER: _ClassVar[int]
    execution: ExecutionRecord
    def __init__(self, execution: _Optional[_Union[ExecutionRecord, _Mapping]] = ...) -> None: ...

class TypeaheadRequest(_message.Message):
    __slots__ = ("q", "fields", "limit")
    Q_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    q: str
    fields: str
    limit: int
    def __init__(self, q: _Optional[str] = ..., fields: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class TypeaheadValue(_message.Message):
    __slots__ = ("field", "value", "count")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: str
    count: int
    def __init__(self, field: _Optional[str] = ..., value: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class TypeaheadCollection(_message.Message):
    __slots__ = ("collection_id", "collection_name")
    COLLECTION_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    collection_id: str
    collection_name: str
    def __init__(self, collection_id: _Optional[str] = ..., collection_name: _Optional[str] = ...) -> None: ...

class TypeaheadResponse(_message.Message):
    __slots__ = ("query", "suggestions", "values", "collections", "recent_searches", "warnings")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    COLLECTIONS_FIELD_NUMBER: _ClassVar[int]
    RECENT_SEARCHES_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    query: str
    suggestions: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedCompositeFieldContainer[TypeaheadValue]
    collections: _containers.RepeatedCompositeFieldContainer[TypeaheadCollection]
    recent_searches: _containers.RepeatedScalarFieldContainer[str]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, query: _Optional[str] = ..., suggestions: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[_Union[TypeaheadValue, _Mapping]]] = ..., collections: _Optional[_Iterable[_Union[TypeaheadCollection, _Mapping]]] = ..., recent_searches: _Optional[_Iterable[str]] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...
