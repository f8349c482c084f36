"""Domain rules of a direct extractor run: inputs, limits, parameters, chunking."""

import base64

import pytest

from server.domain.errors import InvalidArgument
from server.domain.extraction import Chunking, Limits, RawInput, plan_run, split_text
from server.extractors.plugins import load_catalogue

CATALOGUE = load_catalogue(None)
TEXT = CATALOGUE.by_id("minilm_text_extractor_v1")
IMAGE = CATALOGUE.by_id("image_fingerprint_v1")


def violations(definition, inputs, parameters=None, output_type=None, limits=None):
    with pytest.raises(InvalidArgument) as caught:
        plan_run(definition, inputs, parameters or {}, output_type, limits or Limits())
    return {v.field: v.description for v in caught.value.violations}


@pytest.mark.parametrize(
    ("split_by", "size", "overlap", "expected"),
    [
        ("characters", 4, 1, ["abcd", "defg", "ghij"]),
        ("characters", 4, 0, ["abcd", "efgh", "ij"]),
    ],
)
def test_character_chunks_step_by_size_minus_overlap(split_by, size, overlap, expected):
    assert [c.text for c in split_text("abcdefghij", Chunking(split_by, size, overlap))] == expected


def test_word_and_sentence_chunks_keep_offsets_into_the_text():
    text = "The cat sat.  Then it slept! Did it dream? Yes."
    for chunking in (Chunking("words", 3, 1), Chunking("sentences", 2, 1), Chunking("paragraphs", 1, 0)):
        chunks = split_text(text, chunking)
        assert chunks and all(text[c.start : c.end] == c.text for c in chunks)
    sentences = split_text(text, Chunking("sentences", 2, 1))
    assert [c.text for c in sentences] == ["The cat sat.  Then it slept!", "Then it slept! Did it dream?", "Did it dream? Yes."]
    assert [c.text for c in split_text(text, Chunking("words", 3, 1))][:2] == ["The cat sat.", "sat.  Then it"]  # the text as written


def test_paragraphs_split_on_blank_lines():
    text = "First para\nstill first.\n\nSecond para.\n\n\nThird."
    assert [c.text for c in split_text(text, Chunking("paragraphs", 1, 0))] == ["First para\nstill first.", "Second para.", "Third."]


def test_chunking_asks_for_several_documents_per_input():
    plan = plan_run(TEXT, [RawInput(text="a b c")], {"split_by": "words", "chunk_size": 2}, None, Limits())
    assert plan.output_type == "multiple" and plan.parameters == {"split_by": "words", "chunk_size": 2, "chunk_overlap": 0}
    problems = violations(TEXT, [RawInput(text="a b c")], {"split_by": "words"}, "single")
    assert "use multiple" in problems["document_output_type"]


def test_every_bad_field_is_named_at_once():
    problems = violations(
        TEXT,
        [RawInput(text="  "), RawInput(base64="aGVsbG8="), RawInput(text="x" * 11), RawInput(name="image", text="x"), RawInput()],
        {"split_by": "lines", "chunk_size": "big", "temperature": 1},
        limits=Limits(max_text_chars=10),
    )
    assert problems["inputs[0].text"] == "must not be empty"
    assert "send it as text" in problems["inputs[1].base64"]
    assert "at most 10" in problems["inputs[2].text"]
    assert "has no input 'image'" in problems["inputs[3].name"]
    assert "exactly one of" in problems["inputs[4]"]
    assert "must be one of" in problems["parameters.split_by"]
    assert "integer" in problems["parameters.chunk_size"]
    assert "not a known field" in problems["parameters.temperature"]


def test_overlap_must_be_smaller_than_the_chunk():
    problems = violations(TEXT, [RawInput(text="a")], {"split_by": "words", "chunk_size": 2, "chunk_overlap": 2})
    assert "smaller than chunk_size" in problems["parameters.chunk_overlap"]


def test_file_inputs_take_base64_or_an_http_url_only():
    problems = violations(
        IMAGE,
        [RawInput(text="cat.png"), RawInput(base64="not base64!"), RawInput(url="file:///etc/passwd"), RawInput(url="/etc/passwd"),
         RawInput(base64=base64.b64encode(b"x" * 11).decode())],
        limits=Limits(max_file_bytes=10),
    )
    assert "not text" in problems["inputs[0].text"]
    assert problems["inputs[1].base64"] == "is not valid base64"
    assert "local files are not read" in problems["inputs[2].url"] and "inputs[3].url" in problems
    assert "at most 10" in problems["inputs[4].base64"] or "larger than 10" in problems["inputs[4].base64"]


def test_too_many_inputs_and_none():
    assert "at most 2 per call" in violations(TEXT, [RawInput(text="a")] * 3, limits=Limits(max_inputs=2))["inputs"]
    assert violations(TEXT, [])["inputs"] == "at least one input is required"


def test_chunks_per_call_are_bounded():
    problems = violations(TEXT, [RawInput(text="abcdefghij")], {"split_by": "characters", "chunk_size": 2}, limits=Limits(max_chunks=4))
    assert problems["parameters.chunk_size"] == "the inputs make 5 chunks; at most 4 per call"
