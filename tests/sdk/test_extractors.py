"""The feature extractor catalogue through Mixpeek's SDK, which sends no key there (Mixpeek's is
public): built-ins without a key, plugins and availability with one; every entry parses."""

from __future__ import annotations

import json

import mixpeek
import pytest

from tests.support.api import Api


@pytest.fixture
def public(base_url: str) -> mixpeek.FeatureExtractorsApi:
    """The typed API with no key at all (its configuration carries none)."""
    return mixpeek.FeatureExtractorsApi(mixpeek.ApiClient(mixpeek.Configuration(host=base_url)))


def test_catalogue_without_a_key_lists_built_ins_that_parse(public) -> None:
    listed = public.list_feature_extractors()
    assert listed and all(isinstance(e, mixpeek.FeatureExtractorResponseModel) for e in listed)
    assert {e.source for e in listed} == {mixpeek.ExtractorSource.BUILTIN}
    by_id = {e.feature_extractor_id: e for e in listed}
    text = by_id["text_extractor_v1"]
    assert text.icon == "type" and text.max_inputs == {"text": 1}
    index = text.required_vector_indexes[0].index.actual_instance
    assert index.description == "Multilingual E5 large (instruct) text embedding" and index.dimensions == 1024
    assert public.get_feature_extractor_by("minilm_text_extractor_v1").feature_extractor_name == "minilm_text_extractor"
    raw = json.loads(public.list_feature_extractors_with_http_info().raw_data)
    assert {e["availability"] for e in raw} == {None}  # names this server's settings: callers with a key only


def test_plugins_and_availability_need_a_key(public, sdk_org: Api) -> None:
    with pytest.raises(mixpeek.exceptions.NotFoundException):
        public.get_feature_extractor_by("fashionsiglip_v1")  # a plugin: not shown without a key
    keyed = {"Authorization": f"Bearer {sdk_org.key}"}
    plugin = public.get_feature_extractor_by("fashionsiglip_v1", _headers=keyed)
    assert plugin.source == mixpeek.ExtractorSource.CUSTOM and plugin.icon == "box"
    listed = public.list_feature_extractors(_headers=keyed)
    assert {e.source for e in listed} == {mixpeek.ExtractorSource.BUILTIN, mixpeek.ExtractorSource.CUSTOM}
    with pytest.raises(mixpeek.exceptions.UnauthorizedException):
        public.list_feature_extractors(_headers={"Authorization": "Bearer sk_wrong"})  # a key sent is checked

