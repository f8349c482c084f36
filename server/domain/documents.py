"""Documents: what a collection's feature extractors make of an object (tier 1) or of a document of
the source collection (tier N). No I/O; server.storage.documents keeps them as vector-store points.

- IDs are deterministic: (collection, source, chunk index) always give the same ID, so processing
  an object again overwrites its documents instead of adding copies. The vector store wants UUIDs
  (or integers) as point IDs, so the ID is a UUIDv5 of those three, and the public `document_id`
  is `doc_` + its 32 hex digits: one is computed from the other without a lookup.
- The stored payload is the reference's DocumentResponse: the mapped outputs and passthrough fields
  as root keys, `document_id`, `collection_id` and `_internal` (with `lineage`). The system IDs are
  also root keys (`namespace_id`, `root_object_id`, `root_bucket_id`, `source_object_id`,
  `source_document_id`), because payload indexes and filters address root keys; user fields may
  not use those names nor start with `_`.
- `document_output_handling`, per extractor, says what writing the outputs of one source does:
  `create_new` writes each output as its own document (a rerun overwrites by ID, and leaves alone
  documents of the source that this run did not produce); `replace` also removes the collection's
  documents of that source that this run did not produce (a rerun that yields fewer chunks leaves
  no stale ones); `enrich` merges the outputs into the document of the same ID: fields and vectors
  it writes are set, the others are kept.
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from server.domain.errors import Violations

# Fixed forever: changing it changes every document ID.
_ID_NAMESPACE = uuid.UUID("5b0c2d4e-6a1f-5e7b-9c3d-2f8a1b6e4d70")
_DOCUMENT_ID = re.compile(r"^doc_([0-9a-f]{32})$")

#: payload root keys vecplane sets; payload indexes cover them (server.domain.namespaces)
SYSTEM_FIELDS = (
    "namespace_id",
    "collection_id",
    "document_id",
    "source_object_id",
    "source_document_id",
    "root_object_id",
    "root_bucket_id",
)
INTERNAL = "_internal"

JSON = Any  # a JSON value a user or an extractor wrote


class OutputHandling(enum.StrEnum):
    CREATE_NEW = "create_new"
    REPLACE = "replace"
    ENRICH = "enrich"


class SourceType(enum.StrEnum):
    BUCKET = "bucket"  # the document derives from an object
    COLLECTION = "collection"  # the document derives from a document of another collection


@dataclass(frozen=True)
class Source:
    """What a document derives from: an object of a bucket, or a document of a collection."""

    type: SourceType
    id: str  # object ID or document ID
    container_id: str  # bucket ID or collection ID

    @classmethod
    def object(cls, bucket_id: str, object_id: str) -> Source:
        return cls(SourceType.BUCKET, object_id, bucket_id)

    @classmethod
    def document(cls, collection_id: str, document_id: str) -> Source:
        return cls(SourceType.COLLECTION, document_id, collection_id)


def point_uuid(collection_id: str, source: Source, chunk_index: int) -> uuid.UUID:
    if chunk_index < 0:
        raise ValueError("chunk_index must be >= 0")
    return uuid.uuid5(_ID_NAMESPACE, f"{collection_id}\x1f{source.type}\x1f{source.id}\x1f{chunk_index}")


def document_id(collection_id: str, source: Source, chunk_index: int) -> str:
    """The ID of the `chunk_index`th document a collection makes of a source."""
    return "doc_" + point_uuid(collection_id, source, chunk_index).hex


def point_id_of(document_id_: str) -> str | None:
    """The vector-store point ID (a UUID string) of a document ID; None if it is not one."""
    match = _DOCUMENT_ID.match(document_id_)
    return str(uuid.UUID(match[1])) if match else None


def document_id_of_point(point_id: str) -> str:
    return "doc_" + uuid.UUID(point_id).hex


@dataclass(frozen=True)
class ChainLink:
    """One step of a document's lineage: the collection and extractor that made a document."""

    collection_id: str
    feature_extractor_id: str
    document_id: str
    timestamp: str

    def to_json(self) -> dict[str, str]:
        return {
            "collection_id": self.collection_id,
            "feature_extractor_id": self.feature_extractor_id,
            "document_id": self.document_id,
            "timestamp": self.timestamp,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, JSON]) -> ChainLink:
        return cls(str(raw["collection_id"]), str(raw["feature_extractor_id"]), str(raw["document_id"]), str(raw["timestamp"]))


@dataclass(frozen=True)
class Lineage:
    """Where a document comes from: the object at the root, its direct source and the path of
    collections between them (`bkt_1/col_2/col_3`)."""

    root_object_id: str
    root_bucket_id: str
    source: Source
    path: str
    chain: tuple[ChainLink, ...] = ()

    @property
    def source_object_id(self) -> str | None:
        return self.source.id if self.source.type is SourceType.BUCKET else None

    @property
    def source_document_id(self) -> str | None:
        return self.source.id if self.source.type is SourceType.COLLECTION else None

    @property
    def source_collection_id(self) -> str | None:
        return self.source.container_id if self.source.type is SourceType.COLLECTION else None

    @classmethod
    def of_object(cls, bucket_id: str, object_id: str) -> Lineage:
        """The lineage a tier-1 document starts from (completed by `extended`)."""
        return cls(object_id, bucket_id, Source.object(bucket_id, object_id), bucket_id)

    def of_child(self, parent: Document) -> Lineage:
        """The lineage of a document made from `parent` (a document of the source collection)."""
        return Lineage(
            parent.lineage.root_object_id,
            parent.lineage.root_bucket_id,
            Source.document(parent.collection_id, parent.document_id),
            parent.lineage.path,
            parent.lineage.chain,
        )

    def extended(self, collection_id: str, feature_extractor_id: str, document_id_: str, timestamp: str) -> Lineage:
        """This lineage with the step that makes document `document_id_` in `collection_id`."""
        link = ChainLink(collection_id, feature_extractor_id, document_id_, timestamp)
        return replace(self, path=f"{self.path}/{collection_id}", chain=(*self.chain, link))

    def to_json(self) -> dict[str, JSON]:
        out: dict[str, JSON] = {
            "root_object_id": self.root_object_id,
            "root_bucket_id": self.root_bucket_id,
            "source_type": str(self.source.type),
            "path": self.path,
            "chain": [link.to_json() for link in self.chain],
        }
        if self.source.type is SourceType.BUCKET:
            out["source_object_id"] = self.source.id
        else:
            out["source_document_id"] = self.source.id
            out["source_collection_id"] = self.source.container_id
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, JSON]) -> Lineage:
        if raw.get("source_type") == SourceType.COLLECTION:
            source = Source.document(str(raw["source_collection_id"]), str(raw["source_document_id"]))
        else:
            source = Source.object(str(raw["root_bucket_id"]), str(raw["source_object_id"]))
        chain = tuple(ChainLink.from_json(link) for link in raw.get("chain") or [])
        return cls(str(raw["root_object_id"]), str(raw["root_bucket_id"]), source, str(raw.get("path") or ""), chain)


@dataclass(frozen=True)
class Document:
    """A document as stored: its IDs and lineage, its fields (root keys: mapped extractor outputs
    and passthrough fields) and its named vectors (a dense vector, a multivector or a sparse
    vector as the vector store takes them)."""

    document_id: str
    collection_id: str
    namespace_id: str
    lineage: Lineage
    fields: Mapping[str, JSON] = field(default_factory=dict)
    vectors: Mapping[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    @property
    def point_id(self) -> str:
        found = point_id_of(self.document_id)
        assert found is not None, self.document_id
        return found

    def payload(self) -> dict[str, JSON]:
        """The vector-store payload (the DocumentResponse without vectors). System keys win over
        fields of the same name, which `check_field_names` refuses on the way in."""
        internal = {
            "namespace_id": self.namespace_id,
            "document_id": self.document_id,
            "collection_id": self.collection_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "lineage": self.lineage.to_json(),
        }
        system = {
            "document_id": self.document_id,
            "collection_id": self.collection_id,
            "namespace_id": self.namespace_id,
            "root_object_id": self.lineage.root_object_id,
            "root_bucket_id": self.lineage.root_bucket_id,
        }
        if self.lineage.source_object_id is not None:
            system["source_object_id"] = self.lineage.source_object_id
        if self.lineage.source_document_id is not None:
            system["source_document_id"] = self.lineage.source_document_id
        return {**user_fields(self.fields), **system, INTERNAL: internal}

    @classmethod
    def from_payload(cls, payload: Mapping[str, JSON], vectors: Mapping[str, Any] | None = None) -> Document:
        internal = payload.get(INTERNAL) or {}
        return cls(
            document_id=str(payload["document_id"]),
            collection_id=str(payload["collection_id"]),
            namespace_id=str(payload.get("namespace_id") or internal.get("namespace_id") or ""),
            lineage=Lineage.from_json(internal.get("lineage") or {}),
            fields=user_fields(payload),
            vectors=dict(vectors or {}),
            created_at=str(internal.get("created_at") or ""),
            updated_at=str(internal.get("updated_at") or ""),
        )


def is_reserved(name: str) -> bool:
    """Whether a root key belongs to vecplane rather than to the document's fields."""
    return name in SYSTEM_FIELDS or name.startswith("_")


def user_fields(fields: Mapping[str, JSON]) -> dict[str, JSON]:
    return {k: v for k, v in fields.items() if not is_reserved(k)}


def check_field_names(problems: Violations, path: str, fields: Iterable[str]) -> None:
    """Field names a user or an extractor may write (a dotted name writes one nested field)."""
    for name in fields:
        if not name or is_reserved(name.split(".", 1)[0]):
            problems.add(f"{path}.{name}" if name else path, f"is reserved: document fields may not be named {', '.join(SYSTEM_FIELDS)} or start with _")


@dataclass(frozen=True)
class Output:
    """One document an extractor made of a source: its chunk index among the source's outputs,
    its fields and vectors."""

    chunk_index: int
    fields: Mapping[str, JSON] = field(default_factory=dict)
    vectors: Mapping[str, Any] = field(default_factory=dict)


def make_documents(
    *,
    namespace_id: str,
    collection_id: str,
    feature_extractor_id: str,
    base: Lineage,
    outputs: Sequence[Output],
    now: str,
) -> list[Document]:
    """The documents a collection makes of one source (`base`: `Lineage.of_object` for an
    object, `Lineage.of_child` of the parent for a document)."""
    made = []
    for output in outputs:
        doc_id = document_id(collection_id, base.source, output.chunk_index)
        lineage = base.extended(collection_id, feature_extractor_id, doc_id, now)
        made.append(Document(doc_id, collection_id, namespace_id, lineage, user_fields(output.fields), dict(output.vectors), now, now))
    return made


MAX_LINEAGE_ID_CHARS = 200


def imported(
    problems: Violations,
    *,
    namespace_id: str,
    collection_id: str,
    fields: Mapping[str, JSON],
    vectors: Mapping[str, Any],
    lineage_ids: Mapping[str, str],
    now: str,
) -> Document:
    """A document made outside processing (an import): a fresh random ID in the same form, the
    fields set as an update sets them (names checked by `check_field_names`), and the lineage IDs
    as given (`root_object_id`, `root_bucket_id`, `source_object_id`, which defaults to the root
    object): its source is an object, its path the bucket then the collection, its chain empty."""
    check_field_names(problems, "metadata", fields)
    for name, value in lineage_ids.items():
        if len(value) > MAX_LINEAGE_ID_CHARS:
            problems.add(name, f"has {len(value)} characters; at most {MAX_LINEAGE_ID_CHARS}")
    root_object, root_bucket = lineage_ids.get("root_object_id", ""), lineage_ids.get("root_bucket_id", "")
    source = Source.object(root_bucket, lineage_ids.get("source_object_id") or root_object)
    path = f"{root_bucket}/{collection_id}" if root_bucket else collection_id
    doc_id = "doc_" + uuid.uuid4().hex
    empty = Document(doc_id, collection_id, namespace_id, Lineage(root_object, root_bucket, source, path), {}, dict(vectors), now, now)
    return updated(empty, fields, now)


@dataclass(frozen=True)
class WritePlan:
    """What writing the outputs of one source does to the vector store: points to upsert, then
    document IDs to delete."""

    upserts: list[Document]
    deletes: list[str]


def plan_write(handling: OutputHandling, made: Sequence[Document], existing: Mapping[str, Document], of_source: Iterable[str] = ()) -> WritePlan:
    """`made`: the new documents of one source; `existing`: the stored documents with the same IDs
    (read for `enrich`, and to keep `created_at`); `of_source`: the IDs of the collection's stored
    documents of that source (read for `replace`)."""
    upserts = []
    for doc in made:
        old = existing.get(doc.document_id)
        if old is None:
            upserts.append(doc)
        elif handling is OutputHandling.ENRICH:
            upserts.append(replace(doc, fields={**old.fields, **doc.fields}, vectors={**old.vectors, **doc.vectors}, created_at=old.created_at))
        else:
            upserts.append(replace(doc, created_at=old.created_at))
    deletes: list[str] = []
    if handling is OutputHandling.REPLACE:
        kept = {doc.document_id for doc in made}
        deletes = sorted(set(of_source) - kept)
    return WritePlan(upserts, deletes)


def updated(doc: Document, changes: Mapping[str, JSON], now: str) -> Document:
    """The document with its fields updated (sent keys set, a dotted key sets one nested field,
    `None` removes); IDs, lineage and vectors are not updatable. Names were checked by
    `check_field_names`."""
    fields: dict[str, JSON] = _deep_copy(doc.fields)
    for key, value in changes.items():
        *parents, leaf = key.split(".")
        target = fields
        for part in parents:
            child = target.get(part)
            if not isinstance(child, dict):
                if value is None:
                    break
                child = target[part] = {}
            target = child
        else:
            if value is None:
                target.pop(leaf, None)
            else:
                target[leaf] = value
    return replace(doc, fields=fields, updated_at=now)


def value_order(value: JSON) -> tuple[int, Any]:
    """Orders values of mixed types: numbers, then strings, then booleans, then the rest; missing last."""
    if value is None:
        return (4, 0)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (3, json.dumps(value, sort_keys=True))


def _deep_copy(value: Mapping[str, JSON]) -> dict[str, JSON]:
    return {k: _deep_copy(v) if isinstance(v, Mapping) else v for k, v in value.items()}
