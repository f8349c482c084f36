"""The Mixpeek JSON codec: names, enum strings, well-known types, and every decode problem reported."""

import json

import pytest
from google.protobuf import struct_pb2
from vecplane.v1 import collection_pb2, filter_pb2, namespace_pb2, retriever_pb2

from server.api.keys import nul_key_violations
from server.protojson import (
    DecodeError,
    _value_json,
    dict_to_message,
    message_to_dict,
    plain_numbers,
    struct_of,
)
from tests.support.seeds import seed_004_request


def test_filter_groups_use_mixpeek_upper_case_keys_and_enum_strings():
    data = {"AND": [{"field": "age", "operator": "gte", "value": 30}], "NOT": [{"OR": [{"field": "x", "value": "y"}]}], "case_sensitive": True}
    message = dict_to_message(data, filter_pb2.LogicalOperator)
    assert message.all_of[0].operator == filter_pb2.FILTER_OPERATOR_GTE
    assert message.none_of[0].any_of[0].field == "x"
    assert message_to_dict(message) == data


def test_proto_field_names_are_accepted_too():
    message = dict_to_message({"all_of": [{"field": "a"}]}, filter_pb2.LogicalOperator)
    assert message.all_of[0].field == "a"


def test_whole_numbers_stay_integers_in_values_and_doubles():
    request = dict_to_message({"metadata": {"n": 30, "f": 1.5}, "cache_config": {"score_threshold": 123}}, collection_pb2.CreateCollectionRequest)
    out = message_to_dict(request)
    assert out["metadata"] == {"n": 30, "f": 1.5}
    assert json.dumps(out["cache_config"]["score_threshold"]) == "123"


def test_include_defaults_emits_every_field_with_nulls_for_unset_messages():
    out = message_to_dict(namespace_pb2.Namespace(namespace_name="n"), include_defaults=True)
    assert out["namespace_name"] == "n"
    assert out["feature_extractors"] == [] and out["created_at"] is None and out["description"] == ""


def test_sparse_messages_show_only_their_set_fields_even_with_defaults():
    source = dict_to_message({"type": "bucket", "filters": {"AND": [{"field": "age", "operator": "gte", "value": 30}]}}, collection_pb2.SourceConfig)
    out = message_to_dict(source, include_defaults=True)
    assert out["collection_id"] == "" and out["prefix_key"] == ""  # SourceConfig shows its defaults
    assert out["filters"] == {"AND": [{"field": "age", "operator": "gte", "value": 30}]}  # the filter does not


def test_set_fields_only_without_defaults_and_presence_is_kept():
    message = dict_to_message({"enabled": False, "metadata": {}}, collection_pb2.CreateCollectionRequest)
    assert message_to_dict(message) == {"enabled": False, "metadata": {}}
    assert message_to_dict(collection_pb2.CreateCollectionRequest()) == {}


def test_timestamps_round_trip_as_rfc3339():
    message = dict_to_message({"created_at": "2026-11-23T11:08:25.123Z"}, namespace_pb2.Namespace)
    assert message_to_dict(message)["created_at"] == "2026-11-23T11:08:25.123Z"


def test_every_decode_problem_is_reported_with_its_location():
    data = {
        "collection_name": 5,
        "source": {"type": "buckt", "filters": {"AND": [{"operator": "like"}]}},
        "surprise": True,
        "cache_config": {"ttl_seconds": 2**40, "score_threshold": "high"},
        "feature_extractors": {"not": "a list"},
    }
    with pytest.raises(DecodeError) as caught:
        dict_to_message(data, collection_pb2.CreateCollectionRequest)
    found = {(issue.dotted, issue.kind) for issue in caught.value.issues}
    assert found == {
        ("collection_name", "type_error"),
        ("source.type", "value_error"),
        ("source.filters.AND[0].operator", "value_error"),
        ("surprise", "extra_forbidden"),
        ("cache_config.ttl_seconds", "value_error"),
        ("cache_config.score_threshold", "type_error"),
        ("feature_extractors", "type_error"),
    }


def test_private_keys_are_skipped_only_when_asked():
    doc = {"_id": "ns_1", "_org": "org", "namespace_id": "ns_1"}
    assert dict_to_message(doc, namespace_pb2.Namespace, skip_private=True).namespace_id == "ns_1"
    with pytest.raises(DecodeError):
        dict_to_message(doc, namespace_pb2.Namespace)


def test_seed_004_request_decodes_and_encodes_back_unchanged():
    seed = seed_004_request()
    encoded = message_to_dict(dict_to_message(seed, collection_pb2.CreateCollectionRequest))
    # Empty maps have no presence in proto3, so they are the only thing that does not come back.
    for extractor in seed["feature_extractors"]:
        extractor.pop("input_mapping"), extractor.pop("output_mapping")
    seed["cache_config"].pop("retriever_configs")
    assert encoded == seed


@pytest.mark.parametrize(
    "items",
    [
        [0.25 * i - 3.3 for i in range(384)],  # a vector: read from the wire form at once
        [float(i) for i in range(10)] + [2.0**60, -0.0, 1e-300],  # whole numbers are written as ints
        [float("inf"), *range(9)],
        [*range(9), "ten"],  # not all numbers: item by item
        [*range(9), None, True, {"k": [1.5, 2]}, [3, [4.5] * 9]],
        [1.5, 2.5],  # short: item by item
        [],
    ],
)
def test_lists_in_values_convert_the_same_on_the_fast_path_and_the_slow_one(items):
    listed = struct_pb2.ListValue()
    listed.extend(items)
    expected = [_value_json(v) for v in listed.values]
    assert message_to_dict(listed) == expected
    assert [type(x) for x in message_to_dict(listed)] == [type(x) for x in expected]
    holder = struct_pb2.Struct()
    holder.get_or_create_list("v").extend(items)
    assert message_to_dict(holder) == {"v": expected}
    numbers = plain_numbers(listed)
    all_numbers = len(items) >= 8 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items)
    assert (numbers is not None) == all_numbers
    if numbers is not None:
        assert numbers.tolist() == [float(x) for x in items]


def test_nul_keys_are_found_in_long_lists_and_number_lists_are_skipped_whole():
    vector = [0.5] * 384
    clean = dict_to_message({"retriever_id": "ret_x", "inputs": {"vector": vector, "rows": [{"a": 1}] * 9}}, retriever_pb2.ExecuteRetrieverRequest)
    assert nul_key_violations(clean) == []
    hidden = dict_to_message({"retriever_id": "ret_x", "inputs": {"rows": [*range(8), {"bad\0key": 1}]}}, retriever_pb2.ExecuteRetrieverRequest)
    assert [v.field for v in nul_key_violations(hidden)] == ["inputs.rows[8].bad\\u0000key"]


def test_struct_of_server_data_matches_the_checked_decoder():
    data = {
        "text": "caf\u00e9", "n": 3, "x": -1.5, "yes": True, "no": False, "none": None, "empty": {}, "nothing": [],
        "_internal": {"lineage": {"chain": [{"id": "doc_1", "at": "2026-12-01T00:00:00Z"}], "path": "a/b"}},
        "nested": [[1, [2.5, {"k": None}]], {"deep": {"deeper": []}}],
    }
    made = struct_of(data)
    assert made == dict_to_message(data, struct_pb2.Struct)
    assert message_to_dict(made) == data
    with pytest.raises(TypeError, match="set"):
        struct_of({"bad": {1, 2}})
