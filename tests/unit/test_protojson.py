"""The Mixpeek JSON codec: names, enum strings, well-known types, and every decode problem reported."""

import json

import pytest
from vecplane.v1 import collection_pb2, filter_pb2, namespace_pb2

from server.protojson import DecodeError, dict_to_message, message_to_dict
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
