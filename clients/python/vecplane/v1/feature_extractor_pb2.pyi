from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from vecplane.v1 import indexes_pb2 as _indexes_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from vecplane.v1 import schema_pb2 as _schema_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DocumentOutputType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_OUTPUT_TYPE_UNSPECIFIED: _ClassVar[DocumentOutputType]
    DOCUMENT_OUTPUT_TYPE_SINGLE: _ClassVar[DocumentOutputType]
    DOCUMENT_OUTPUT_TYPE_MULTIPLE: _ClassVar[DocumentOutputType]

class DocumentInputHandling(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_INPUT_HANDLING_UNSPECIFIED: _ClassVar[DocumentInputHandling]
    DOCUMENT_INPUT_HANDLING_INDIVIDUAL: _ClassVar[DocumentInputHandling]
    DOCUMENT_INPUT_HANDLING_GROUPED: _ClassVar[DocumentInputHandling]

class DocumentOutputHandling(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_OUTPUT_HANDLING_UNSPECIFIED: _ClassVar[DocumentOutputHandling]
    DOCUMENT_OUTPUT_HANDLING_CREATE_NEW: _ClassVar[DocumentOutputHandling]
    DOCUMENT_OUTPUT_HANDLING_ENRICH: _ClassVar[DocumentOutputHandling]
    DOCUMENT_OUTPUT_HANDLING_REPLACE: _ClassVar[DocumentOutputHandling]

class ExtractorSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXTRACTOR_SOURCE_UNSPECIFIED: _ClassVar[ExtractorSource]
    EXTRACTOR_SOURCE_BUILTIN: _ClassVar[ExtractorSource]
    EXTRACTOR_SOURCE_PLUGIN: _ClassVar[ExtractorSource]
DOCUMENT_OUTPUT_TYPE_UNSPECIFIED: DocumentOutputType
DOCUMENT_OUTPUT_TYPE_SINGLE: DocumentOutputType
DOCUMENT_OUTPUT_TYPE_MULTIPLE: DocumentOutputType
DOCUMENT_INPUT_HANDLING_UNSPECIFIED: DocumentInputHandling
DOCUMENT_INPUT_HANDLING_INDIVIDUAL: DocumentInputHandling
DOCUMENT_INPUT_HANDLING_GROUPED: DocumentInputHandling
DOCUMENT_OUTPUT_HANDLING_UNSPECIFIED: DocumentOutputHandling
DOCUMENT_OUTPUT_HANDLING_CREATE_NEW: DocumentOutputHandling
DOCUMENT_OUTPUT_HANDLING_ENRICH: DocumentOutputHandling
DOCUMENT_OUTPUT_HANDLING_REPLACE: DocumentOutputHandling
EXTRACTOR_SOURCE_UNSPECIFIED: ExtractorSource
EXTRACTOR_SOURCE_BUILTIN: ExtractorSource
EXTRACTOR_SOURCE_PLUGIN: ExtractorSource

class FeatureExtractor(_message.Message):
    __slots__ = ("feature_extractor_name", "version", "parameters", "input_mapping", "output_mapping", "document_output_type", "document_input_handling", "document_output_handling", "field_passthrough", "include_all_source_fields")
    class InputMappingEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class OutputMappingEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FEATURE_EXTRACTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    INPUT_MAPPING_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MAPPING_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_OUTPUT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_INPUT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_OUTPUT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    FIELD_PASSTHROUGH_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ALL_SOURCE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    feature_extractor_name: str
    version: str
    parameters: _struct_pb2.Struct
    input_mapping: _containers.ScalarMap[str, str]
    output_mapping: _containers.ScalarMap[str, str]
    document_output_type: DocumentOutputType
    document_input_handling: DocumentInputHandling
    document_output_handling: DocumentOutputHandling
    field_passthrough: _containers.RepeatedCompositeFieldContainer[FieldPassthrough]
    include_all_source_fields: bool
    def __init__(self, feature_extractor_name: _Optional[str] = ..., version: _Optional[str] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., input_mapping: _Optional[_Mapping[str, str]] = ..., output_mapping: _Optional[_Mapping[str, str]] = ..., document_output_type: _Optional[_Union[DocumentOutputType, str]] = ..., document_input_handling: _Optional[_Union[DocumentInputHandling, str]] = ..., document_output_handling: _Optional[_Union[DocumentOutputHandling, str]] = ..., field_passthrough: _Optional[_Iterable[_Union[FieldPassthrough, _Mapping]]] = ..., include_all_source_fields: _Optional[bool] = ...) -> None: ...

class FieldPassthrough(_message.Message):
    __slots__ = ("source_path", "target_path", "default", "required")
    SOURCE_PATH_FIELD_NUMBER: _ClassVar[int]
    TARGET_PATH_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    source_path: str
    target_path: str
    default: _struct_pb2.Value
    required: bool
    def __init__(self, source_path: _Optional[str] = ..., target_path: _Optional[str] = ..., default: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., required: _Optional[bool] = ...) -> None: ...

class FeatureExtractorDefinition(_message.Message):
    __slots__ = ("feature_extractor_id", "feature_extractor_name", "version", "description", "input_schema", "output_schema", "parameter_schema", "supported_input_types", "default_parameters", "document_output_type", "document_input_handling", "document_output_handling", "required_vector_indexes", "required_payload_indexes", "source", "plugin_module", "availability", "icon", "max_inputs")
    class MaxInputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    FEATURE_EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    FEATURE_EXTRACTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    SUPPORTED_INPUT_TYPES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_OUTPUT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_INPUT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_OUTPUT_HANDLING_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_VECTOR_INDEXES_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_PAYLOAD_INDEXES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_MODULE_FIELD_NUMBER: _ClassVar[int]
    AVAILABILITY_FIELD_NUMBER: _ClassVar[int]
    ICON_FIELD_NUMBER: _ClassVar[int]
    MAX_INPUTS_FIELD_NUMBER: _ClassVar[int]
    feature_extractor_id: str
    feature_extractor_name: str
    version: str
    description: str
    input_schema: _schema_pb2.BucketSchema
    output_schema: _schema_pb2.BucketSchema
    parameter_schema: _schema_pb2.BucketSchema
    supported_input_types: _containers.RepeatedScalarFieldContainer[_schema_pb2.FieldType]
    default_parameters: _struct_pb2.Struct
    document_output_type: DocumentOutputType
    document_input_handling: DocumentInputHandling
    document_output_handling: DocumentOutputHandling
    required_vector_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.VectorIndexDefinition]
    required_payload_indexes: _containers.RepeatedCompositeFieldContainer[_indexes_pb2.PayloadIndex]
    source: ExtractorSource
    plugin_module: str
    availability: ExtractorAvailability
    icon: str
    max_inputs: _containers.ScalarMap[str, int]
    def __init__(self, feature_extractor_id: _Optional[str] = ..., feature_extractor_name: _Optional[str] = ..., version: _Optional[str] = ..., description: _Optional[str] = ..., input_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., output_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., parameter_schema: _Optional[_Union[_schema_pb2.BucketSchema, _Mapping]] = ..., supported_input_types: _Optional[_Iterable[_Union[_schema_pb2.FieldType, str]]] = ..., default_parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., document_output_type: _Optional[_Union[DocumentOutputType, str]] = ..., document_input_handling: _Optional[_Union[DocumentInputHandling, str]] = ..., document_output_handling: _Optional[_Union[DocumentOutputHandling, str]] = ..., required_vector_indexes: _Optional[_Iterable[_Union[_indexes_pb2.VectorIndexDefinition, _Mapping]]] = ..., required_payload_indexes: _Optional[_Iterable[_Union[_indexes_pb2.PayloadIndex, _Mapping]]] = ..., source: _Optional[_Union[ExtractorSource, str]] = ..., plugin_module: _Optional[str] = ..., availability: _Optional[_Union[ExtractorAvailability, _Mapping]] = ..., icon: _Optional[str] = ..., max_inputs: _Optional[_Mapping[str, int]] = ...) -> None: ...

class ExtractorModel(_message.Message):
    __slots__ = ("vector_name", "model_id", "dimensions", "runs_with", "needs")
    VECTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    RUNS_WITH_FIELD_NUMBER: _ClassVar[int]
    NEEDS_FIELD_NUMBER: _ClassVar[int]
    vector_name: str
    model_id: str
    dimensions: int
    runs_with: str
    needs: str
    def __init__(self, vector_name: _Optional[str] = ..., model_id: _Optional[str] = ..., dimensions: _Optional[int] = ..., runs_with: _Optional[str] = ..., needs: _Optional[str] = ...) -> None: ...

class ExtractorAvailability(_message.Message):
    __slots__ = ("runnable", "models", "needs")
    RUNNABLE_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    NEEDS_FIELD_NUMBER: _ClassVar[int]
    runnable: bool
    models: _containers.RepeatedCompositeFieldContainer[ExtractorModel]
    needs: str
    def __init__(self, runnable: _Optional[bool] = ..., models: _Optional[_Iterable[_Union[ExtractorModel, _Mapping]]] = ..., needs: _Optional[str] = ...) -> None: ...

class ExtractorInput(_message.Message):
    __slots__ = ("name", "text", "base64", "url")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    BASE64_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    base64: str
    url: str
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ..., base64: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class Embedding(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ...) -> None: ...

class ExtractedDocument(_message.Message):
    __slots__ = ("input_index", "vectors", "fields")
    class VectorsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Embedding
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Embedding, _Mapping]] = ...) -> None: ...
    INPUT_INDEX_FIELD_NUMBER: _ClassVar[int]
    VECTORS_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    input_index: int
    vectors: _containers.MessageMap[str, Embedding]
    fields: _struct_pb2.Struct
    def __init__(self, input_index: _Optional[int] = ..., vectors: _Optional[_Mapping[str, Embedding]] = ..., fields: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class RunFeatureExtractorRequest(_message.Message):
    __slots__ = ("feature_extractor_id", "inputs", "parameters", "document_output_type")
    FEATURE_EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_OUTPUT_TYPE_FIELD_NUMBER: _ClassVar[int]
    feature_extractor_id: str
    inputs: _containers.RepeatedCompositeFieldContainer[ExtractorInput]
    parameters: _struct_pb2.Struct
    document_output_type: DocumentOutputType
    def __init__(self, feature_extractor_id: _Optional[str] = ..., inputs: _Optional[_Iterable[_Union[ExtractorInput, _Mapping]]] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., document_output_type: _Optional[_Union[DocumentOutputType, str]] = ...) -> None: ...

class RunFeatureExtractorResponse(_message.Message):
    __slots__ = ("feature_extractor_id", "documents")
    FEATURE_EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    feature_extractor_id: str
    documents: _containers.RepeatedCompositeFieldContainer[ExtractedDocument]
    def __init__(self, feature_extractor_id: _Optional[str] = ..., documents: _Optional[_Iterable[_Union[ExtractedDocument, _Mapping]]] = ...) -> None: ...

class ListFeatureExtractorsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFeatureExtractorsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[FeatureExtractorDefinition]
    def __init__(self, results: _Optional[_Iterable[_Union[FeatureExtractorDefinition, _Mapping]]] = ...) -> None: ...

class GetFeatureExtractorRequest(_message.Message):
    __slots__ = ("feature_extractor_id",)
    FEATURE_EXTRACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    feature_extractor_id: str
    def __init__(self, feature_extractor_id: _Optional[str] = ...) -> None: ...

class GetFeatureExtractorResponse(_message.Message):
    __slots__ = ("feature_extractor",)
    FEATURE_EXTRACTOR_FIELD_NUMBER: _ClassVar[int]
    feature_extractor: FeatureExtractorDefinition
    def __init__(self, feature_extractor: _Optional[_Union[FeatureExtractorDefinition, _Mapping]] = ...) -> None: ...
