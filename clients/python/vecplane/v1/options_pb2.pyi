from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
JSON_VALUE_FIELD_NUMBER: _ClassVar[int]
json_value: _descriptor.FieldDescriptor
NAMESPACED_FIELD_NUMBER: _ClassVar[int]
namespaced: _descriptor.FieldDescriptor
SPARSE_JSON_FIELD_NUMBER: _ClassVar[int]
sparse_json: _descriptor.FieldDescriptor
EXTRA_KEYS_INTO_FIELD_NUMBER: _ClassVar[int]
extra_keys_into: _descriptor.FieldDescriptor
QUERY_PARAM_FIELD_NUMBER: _ClassVar[int]
query_param: _descriptor.FieldDescriptor
GRPC_ONLY_FIELD_NUMBER: _ClassVar[int]
grpc_only: _descriptor.FieldDescriptor
REST_KEY_FIELD_NUMBER: _ClassVar[int]
rest_key: _descriptor.FieldDescriptor
HTTP_SUCCESS_STATUS_FIELD_NUMBER: _ClassVar[int]
http_success_status: _descriptor.FieldDescriptor
KEY_OPTIONAL_FIELD_NUMBER: _ClassVar[int]
key_optional: _descriptor.FieldDescriptor
COSTLY_FIELD_NUMBER: _ClassVar[int]
costly: _descriptor.FieldDescriptor
