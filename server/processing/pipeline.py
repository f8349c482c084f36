"""The pipeline function: what one collection makes of a chunk of its sources.

A collection's sources are the objects of its bucket (tier 1) or the documents of its source
collection (tier N), read in ID order a chunk at a time. For each source, every feature extractor
gets its inputs through `input_mapping` (an input without a mapping reads the source field of its
own name); the extractor runs batched through the extraction use case; each output becomes a
document (outputs renamed by `output_mapping`, beside the source fields the extractor's passthrough
rule picks: every input-schema field, or its `field_passthrough` ones renamed), written through the
document writer with the extractor's `document_output_handling`. A source missing a mapped input or
a required passthrough field, or one the model refuses, is a failure of that source with the reason; the
others of the chunk are written.

The extraction half (`extract_sources`: inputs, models, documents) touches no storage, so an
executor (server.processing.executors) may run it in this process or elsewhere (a Ray actor); the
reading and writing halves stay with `Pipeline.process`, in the process that holds the task's lease,
except that Ray actors write their documents themselves into a Qdrant server (`write_made`, one
writing path for both; server.processing.ray_executor says when).

Blobs given by URL are fetched there, before extraction (server.usecases.blobs: the size and time
limits and the private-address rule of object create), only those an extractor input reads, at most
FETCHES_AT_ONCE at a time. A URL that cannot be read is a failure of its source with the reason. A
chunk whose fetched content passes FETCHED_BYTES_PER_PART is extracted and written in parts, so the
content held at once stays under that plus FETCHES_AT_ONCE blobs, whatever the chunk size."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from server.domain import clock, filters
from server.domain import documents as d
from server.domain.collections import passed_fields, source_fields
from server.domain.errors import FailedPrecondition, InvalidArgument, Violations
from server.domain.extractors import ExtractorDefinition
from server.domain.filters import Condition, Group, Node, simple_field
from server.extractors.runtime import ExtractedDocument, Extractor, InputValue
from server.storage.documents import DocumentStore
from server.storage.objects import ObjectRepository
from server.usecases.blobs import BlobReader, BlobUnreadable
from server.usecases.documents import DocumentWriter, Made, Written
from server.usecases.extraction import ExtractionUseCases

_MISSING = object()
FETCHES_AT_ONCE = 4
FETCHED_BYTES_PER_PART = 128 * 1024 * 1024


@dataclass(frozen=True)
class Step:
    """One feature extractor of a collection, ready to run."""

    definition: ExtractorDefinition
    extractor: Extractor
    input_mapping: Mapping[str, str]
    output_mapping: Mapping[str, str]
    parameters: Mapping[str, Any]
    output_type: str
    handling: d.OutputHandling
    passed_names: tuple[str, ...]  # the input-schema fields documents carry as they are
    field_passthrough: tuple[Mapping[str, Any], ...]  # as stored: source_path, target_path, default?, required


@dataclass(frozen=True)
class CollectionRun:
    """A collection as the pipeline runs it."""

    collection_id: str
    namespace_id: str
    source_type: str  # bucket | collection
    source_ids: tuple[str, ...]  # the bucket IDs, or the source collection's ID
    prefix: str
    where: Node | None  # the collection's source filters
    steps: tuple[Step, ...]
    collection: Mapping[str, Any]  # the stored collection it was planned from (an executor elsewhere plans it again)


@dataclass(frozen=True)
class SourceItem:
    source_id: str
    base: d.Lineage
    record: Mapping[str, Any]  # what input paths are read from: an object as stored, or a document's fields
    is_object: bool
    fetched: Mapping[str, bytes] = field(default_factory=dict)  # URL blobs' content by property, once fetched


@dataclass
class ChunkResult:
    written: int
    failures: list[tuple[SourceItem, str]]  # (source, reason)


@dataclass
class Extracted:
    """What extraction made of some sources: the documents of each step (by the step's position in
    the run), and the sources that failed with the reason. `stored` is set when the documents were
    written where they were made (Ray actors writing into a Qdrant server): how many, and `made` is
    then empty."""

    made: list[tuple[int, list[Made]]]
    failures: dict[str, str]
    stored: Written | None = None


class Executor(Protocol):
    """Runs `extract_sources` over a chunk's sources, in parts of any size, yielding each part as
    it is done (server.processing.executors)."""

    def extract(self, run: CollectionRun, items: Sequence[SourceItem]) -> AsyncIterator[Extracted]: ...

    async def close(self) -> None: ...


def plan_collection(collection: Mapping[str, Any], extraction: ExtractionUseCases) -> CollectionRun:
    """The collection's run, or FAILED_PRECONDITION if one of its extractors cannot run here."""
    properties = (collection.get("input_schema") or {}).get("properties") or {}
    steps = []
    for item in collection.get("feature_extractors") or []:
        definition = extraction.definition(f"{item['feature_extractor_name']}_{item['version']}")
        extractor = extraction.extractor(definition)  # FAILED_PRECONDITION naming what it needs
        steps.append(
            Step(
                definition,
                extractor,
                dict(item.get("input_mapping") or {}),
                dict(item.get("output_mapping") or {}),
                dict(item.get("parameters") or {}),
                str(item.get("document_output_type") or "single"),
                d.OutputHandling(item.get("document_output_handling") or "create_new"),
                tuple(passed_fields(item, properties)),
                tuple(item.get("field_passthrough") or ()),
            )
        )
    if not steps:
        raise FailedPrecondition(f"Collection {collection['_id']} has no feature extractor, so processing would make no documents.")
    source = collection.get("source") or {}
    source_type = str(source.get("type") or "bucket")
    problems = Violations()
    where = filters.parse(source.get("filters"), source_fields(source_type, collection.get("input_schema")), "source.filters", problems)
    problems.raise_if_any()  # checked when the collection was created
    return CollectionRun(
        collection_id=collection["_id"],
        namespace_id=collection["namespace_id"],
        source_type=source_type,
        source_ids=tuple(source.get("bucket_ids") or [source.get("bucket_id")]) if source_type == "bucket" else (str(source.get("collection_id")),),
        prefix=str(source.get("prefix_key") or ""),
        where=where,
        steps=tuple(steps),
        collection=collection,
    )


def object_field(obj: Mapping[str, Any], path: str) -> Any:
    """An object's field as a collection names it: a blob by its property, `metadata.x`, or a
    metadata key by its name (server.domain.buckets maps schemas the same way)."""
    head = path.split(".", 1)[0]
    blobs = obj.get("_blobs") or {}
    if "." not in path and head in blobs:
        return _blob_value(obj, head)
    if head == "metadata":
        return _at(obj, path)
    return _at(obj.get("metadata") or {}, path)


def _blob_value(obj: Mapping[str, Any], prop: str) -> Any:
    for blob in obj.get("blobs") or []:
        if blob.get("property") == prop:
            kind = (blob.get("details") or {}).get("source", "text")
            data = blob.get("data")
            if kind == "base64" and isinstance(data, str):
                raw = data.split("base64,", 1)[1] if data.startswith("data:") else data
                try:
                    return base64.b64decode(raw)
                except (binascii.Error, ValueError):
                    return _MISSING
            if kind == "url":
                return _Url(str(data))
            return data
    return (obj.get("_blobs") or {}).get(prop, _MISSING)


@dataclass(frozen=True)
class _Url:
    url: str


def _at(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _field(item: SourceItem, path: str) -> Any:
    if path in item.fetched:
        return item.fetched[path]
    return object_field(item.record, path) if item.is_object else _at(item.record, path)


def _url_blobs(run: CollectionRun, item: SourceItem) -> list[tuple[str, dict[str, Any]]]:
    """The URL blobs of an object that an input of the run reads: (property, blob)."""
    if not item.is_object:
        return []
    read = {step.input_mapping.get(name) or name for step in run.steps for name in step.definition.inputs}
    return [
        (str(blob["property"]), blob)
        for blob in item.record.get("blobs") or []
        if blob.get("property") in read and (blob.get("details") or {}).get("source") == "url"
    ]


def _inputs(step: Step, item: SourceItem) -> dict[str, InputValue] | str:
    """The extractor's inputs for one source, or the reason it has none."""
    values: dict[str, InputValue] = {}
    for name, spec in step.definition.inputs.items():
        path = step.input_mapping.get(name) or name
        value = _field(item, path)
        if value is _MISSING or value is None:
            if spec.get("required"):
                return f"input '{name}' of {step.definition.id} reads field '{path}', which this source does not have"
            continue
        if isinstance(value, _Url):  # not fetched (Pipeline.process fetches what inputs read)
            return f"input '{name}' of {step.definition.id}: field '{path}' is a URL blob ({value.url[:100]}) that was not fetched"
        if spec.get("type", "text") in ("text", "string"):
            if isinstance(value, bytes):
                try:
                    value = value.decode("utf-8")
                except UnicodeDecodeError:
                    return f"input '{name}' of {step.definition.id}: field '{path}' is not UTF-8 text"
            if not isinstance(value, str):
                return f"input '{name}' of {step.definition.id}: field '{path}' is {type(value).__name__}, not text"
        elif not isinstance(value, (str, bytes)):
            return f"input '{name}' of {step.definition.id}: field '{path}' is {type(value).__name__}, not a file"
        values[name] = value
    return values


def _passed(step: Step, item: SourceItem) -> dict[str, Any] | str:
    """The source fields the step's documents of one source carry, or the reason a required one is missing."""
    passed = {name: value for name in step.passed_names if (value := _field(item, name)) is not _MISSING and not isinstance(value, (bytes, _Url))}
    for rule in step.field_passthrough:
        value = _field(item, rule["source_path"])
        if value is _MISSING or value is None:
            if rule.get("default") is not None:
                value = rule["default"]
            elif rule.get("required"):
                return f"field_passthrough: required source field '{rule['source_path']}' is missing"
            else:
                continue
        passed[rule["target_path"]] = value
    return passed


async def extract_sources(run: CollectionRun, items: Sequence[SourceItem], extraction: ExtractionUseCases) -> Extracted:
    """The pipeline function: the documents each step of the run makes of the sources (a source
    that fails a step is left out of the later ones), without writing them."""
    failed: dict[str, str] = {}
    made: list[tuple[int, list[Made]]] = []
    now = clock.now()
    for position, step in enumerate(run.steps):
        ready: list[tuple[SourceItem, dict[str, InputValue]]] = []
        passed: dict[str, dict[str, Any]] = {}
        for item in items:
            if item.source_id in failed:
                continue
            inputs = _inputs(step, item)
            fields = _passed(step, item)
            if isinstance(inputs, str) or isinstance(fields, str):
                failed[item.source_id] = inputs if isinstance(inputs, str) else str(fields)
            else:
                ready.append((item, inputs))
                passed[item.source_id] = fields
        outputs = await _extract(extraction, step, ready, failed)
        step_made = []
        for item, extracted in outputs:
            docs = d.make_documents(
                namespace_id=run.namespace_id,
                collection_id=run.collection_id,
                feature_extractor_id=step.definition.id,
                base=item.base,
                outputs=[d.Output(index, {**passed[item.source_id], **_renamed(doc.fields, step.output_mapping)}, {k: v.tolist() for k, v in doc.vectors.items()}) for index, doc in enumerate(extracted)],
                now=now,
            )
            step_made.append(Made(item.base.source, docs))
        if step_made:
            made.append((position, step_made))
    return Extracted(made, failed)


async def write_made(writer: DocumentWriter, run: CollectionRun, made: Sequence[tuple[int, Sequence[Made]]]) -> Written:
    """Writes what `extract_sources` made, each step's documents with the step's output handling
    (the one writing path, wherever it runs: the process holding the task, or a Ray actor)."""
    upserted = deleted = 0
    for position, documents in made:
        written = await writer.write(run.namespace_id, run.collection_id, run.steps[position].handling, documents)
        upserted += written.upserted
        deleted += written.deleted
    return Written(upserted, deleted)


async def _extract(
    extraction: ExtractionUseCases, step: Step, ready: list[tuple[SourceItem, dict[str, InputValue]]], failed: dict[str, str]
) -> list[tuple[SourceItem, list[ExtractedDocument]]]:
    """Runs the extractor over the ready sources in its batches; a batch with an input the model
    refuses is run again source by source, so only that source fails."""
    out: list[tuple[SourceItem, list[ExtractedDocument]]] = []
    values = [inputs for _, inputs in ready]
    try:
        position = 0
        async for batch in extraction.run_batches(step.extractor, values, step.parameters, step.output_type):
            for documents in batch:
                out.append((ready[position][0], documents))
                position += 1
        return out
    except InvalidArgument:
        pass
    out = []
    for item, inputs in ready:
        try:
            async for batch in extraction.run_batches(step.extractor, [inputs], step.parameters, step.output_type):
                out.append((item, batch[0]))
        except InvalidArgument as error:
            failed[item.source_id] = f"{step.definition.id}: " + "; ".join(v.description for v in error.violations)
    return out


class Pipeline:
    def __init__(self, objects: ObjectRepository, store: DocumentStore, writer: DocumentWriter, executor: Executor, blobs: BlobReader):
        self._objects = objects
        self._store = store
        self._writer = writer
        self._executor = executor
        self._blobs = blobs

    async def read(self, run: CollectionRun, organization_id: str, object_ids: Sequence[str], after: str, limit: int) -> tuple[list[SourceItem], str | None]:
        """The collection's sources (matching its source filters) among the next `limit` after
        source ID `after` in ID order, and the last ID looked at (None: no more sources)."""
        if run.source_type == "bucket":
            scope = {"_org": organization_id, "_ns": run.namespace_id}
            objects, last = await self._objects.in_order(scope, run.source_ids, prefix=run.prefix, object_ids=list(object_ids), where=run.where, after=after, limit=limit)
            return [SourceItem(o["_id"], d.Lineage.of_object(o["_bucket"], o["_id"]), o, True) for o in objects], last
        scoped: list[Node] = [Condition(simple_field("root_object_id", "string"), "in", list(object_ids), True)] if object_ids else []
        if run.where is not None:
            scoped.append(run.where)
        where = scoped[0] if len(scoped) == 1 else Group(all_of=tuple(scoped)) if scoped else None
        start = _next_id(after) if after else None
        docs, _ = await self._store.scroll(run.namespace_id, run.source_ids[0], where, after=start, limit=limit)
        if not docs:
            return [], None
        return [SourceItem(doc.document_id, d.Lineage.of_object("", "").of_child(doc), {**doc.fields}, False) for doc in docs], docs[-1].document_id

    async def process(self, run: CollectionRun, items: Sequence[SourceItem]) -> ChunkResult:
        """Makes and writes the documents of a chunk of sources; failed sources are listed. Each
        part the executor yields is written as it arrives, unless its maker wrote it already: then
        this process's listeners (the retrieval cache) are told of it as of its own writes."""
        failed: dict[str, str] = {}
        written = 0
        async for ready in self._fetched(run, items, failed):
            async for part in self._executor.extract(run, ready):
                if part.stored is None:
                    written += (await write_made(self._writer, run, part.made)).upserted
                else:
                    written += part.stored.upserted
                    self._store.written_elsewhere(run.namespace_id, run.collection_id, part.stored.upserted, part.stored.deleted)
                failed.update(part.failures)
        by_id = {item.source_id: item for item in items}
        return ChunkResult(written, [(by_id[source_id], reason) for source_id, reason in sorted(failed.items())])


    async def _fetched(self, run: CollectionRun, items: Sequence[SourceItem], failed: dict[str, str]) -> AsyncIterator[list[SourceItem]]:
        """The chunk's sources with the URL blobs their inputs read fetched, in parts of at most
        FETCHED_BYTES_PER_PART of fetched content (the whole chunk when it has no URL blob); a
        source whose URL cannot be read goes to `failed` instead."""
        part: list[SourceItem] = []
        held = 0
        for start in range(0, len(items), FETCHES_AT_ONCE):
            group = items[start : start + FETCHES_AT_ONCE]
            for item, got in zip(group, await asyncio.gather(*(self._fetch(run, item) for item in group)), strict=True):
                if isinstance(got, str):
                    failed[item.source_id] = got
                    continue
                part.append(got)
                held += sum(len(content) for content in got.fetched.values())
            if held >= FETCHED_BYTES_PER_PART:
                yield part
                part, held = [], 0
        if part:
            yield part

    async def _fetch(self, run: CollectionRun, item: SourceItem) -> SourceItem | str:
        """The source with its URL blobs' content, or the reason one could not be read."""
        fetched: dict[str, bytes] = {}
        for prop, blob in _url_blobs(run, item):
            try:
                content = (await self._blobs.read(blob)).content
            except BlobUnreadable as error:
                return f"blob '{prop}' could not be read: {error}"
            fetched[prop] = content.encode() if isinstance(content, str) else content
        return replace(item, fetched=fetched) if fetched else item


def _renamed(fields: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    return {mapping.get(name) or name: value for name, value in fields.items()}


def _next_id(document_id: str) -> str:
    """The smallest document ID after `document_id` (scrolls start inclusive)."""
    point = int(document_id.removeprefix("doc_"), 16) + 1
    return f"doc_{point:032x}"
