"""Plugin registration: manifest files and entry points, checked at start."""

import json

import pytest

from server.extractors import plugins
from server.extractors.plugins import PluginError, load_catalogue

MANIFEST = {
    "feature_extractor_name": "logo_detector",
    "version": "v2",
    "description": "Finds logos",
    "input_schema": {"properties": {"image": {"type": "image"}}},
    "required_vector_indexes": [{"name": "logo_v2", "index": {"dimensions": 256, "distance": "dot"}}],
}


def test_manifest_folder_adds_extractors(tmp_path):
    (tmp_path / "logo.json").write_text(json.dumps(MANIFEST))
    catalogue = load_catalogue(tmp_path)
    definition = catalogue.by_id("logo_detector_v2")
    assert definition.data["source"] == "custom"
    assert [(v.name, v.dimensions, v.distance) for v in definition.vectors] == [("logo_v2", 256, "dot")]
    assert catalogue.by_id("text_extractor_v1").data["source"] == "builtin"


def test_a_manifest_may_hold_a_list(tmp_path):
    second = {**MANIFEST, "version": "v3"}
    (tmp_path / "logos.json").write_text(json.dumps([MANIFEST, second]))
    assert {"logo_detector_v2", "logo_detector_v3"} <= {d.id for d in load_catalogue(tmp_path).all()}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 2}, "version: must be a string"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"version": "2"}, "version: must look like v1"),
        ({"required_vector_indexes": [{"name": "x", "index": {"dimensions": 0}}]}, "needs 1-65536 dimensions"),
    ],
)
def test_bad_manifests_stop_the_start_naming_file_and_field(tmp_path, change, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**MANIFEST, **change}))
    with pytest.raises(PluginError) as caught:
        load_catalogue(tmp_path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_redefining_a_builtin_is_an_error(tmp_path):
    (tmp_path / "dup.json").write_text(json.dumps({**MANIFEST, "feature_extractor_name": "text_extractor", "version": "v1"}))
    with pytest.raises(PluginError, match="text_extractor_v1 is defined twice"):
        load_catalogue(tmp_path)


def test_entry_point_plugins_are_loaded(tmp_path, monkeypatch):
    """A real installed distribution (a dist-info on sys.path) declaring the entry point."""
    (tmp_path / "logos_pkg.py").write_text(f"EXTRACTORS = {MANIFEST!r}\n")
    dist = tmp_path / "logos_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: logos-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{plugins.ENTRY_POINT_GROUP}]\nlogos = logos_pkg:EXTRACTORS\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_catalogue(None).by_id("logo_detector_v2").data["source"] == "custom"
