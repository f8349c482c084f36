from vecplane.v1 import filter_pb2 as _filter_pb2
from vecplane.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SortDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SORT_DIRECTION_UNSPECIFIED: _ClassVar[SortDirection]
    SORT_DIRECTION_ASC: _ClassVar[SortDirection]
    SORT_DIRECTION_DESC: _ClassVar[SortDirection]
SORT_DIRECTION_UNSPECIFIED: SortDirection
SORT_DIRECTION_ASC: SortDirection
SORT_DIRECTION_DESC: SortDirection

class SortOption(_message.Message):
    __slots__ = ("field", "direction")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    field: str
    direction: SortDirection
    def __init__(self, field: _Optional[str] = ..., direction: _Optional[_Union[SortDirection, str]] = ...) -> None: ...

class ListQuery(_message.Message):
    __slots__ = ("filters", "sort", "search", "case_sensitive", "limit", "page_size", "offset", "page", "cursor", "return_presigned_urls", "select")
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    CASE_SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    RETURN_PRESIGNED_URLS_FIELD_NUMBER: _ClassVar[int]
    SELECT_FIELD_NUMBER: _ClassVar[int]
    filters: _filter_pb2.LogicalOperator
    sort: SortOption
    search: str
    case_sensitive: bool
    limit: int
    page_size: int
    offset: int
    page: int
    cursor: str
    return_presigned_urls: bool
    select: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, filters: _Optional[_Union[_filter_pb2.LogicalOperator, _Mapping]] = ..., sort: _Optional[_Union[SortOption, _Mapping]] = ..., search: _Optional[str] = ..., case_sensitive: _Optional[bool] = ..., limit: _Optional[int] = ..., page_size: _Optional[int] = ..., offset: _Optional[int] = ..., page: _Optional[int] = ..., cursor: _Optional[str] = ..., return_presigned_urls: _Optional[bool] = ..., select: _Optional[_Iterable[str]] = ...) -> None: ...

class Pagination(_message.Message):
    __slots__ = ("total", "page", "page_size", "total_pages", "next_page", "previous_page", "next_cursor")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PAGE_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    total: int
    page: int
    page_size: int
    total_pages: int
    next_page: str
    previous_page: str
    next_cursor: str
    def __init__(self, total: _Optional[int] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ..., total_pages: _Optional[int] = ..., next_page: _Optional[str] = ..., previous_page: _Optional[str] = ..., next_cursor: _Optional[str] = ...) -> None: ...
