"""Buckets and their objects, in the namespace named by the `x-namespace` header."""

from __future__ import annotations

from typing import Any, Protocol

from server.domain import aggregation, clock, filters
from server.domain import buckets as rules
from server.domain.blobs import BlobLimits, content_hash
from server.domain.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound, Violations
from server.domain.ids import new_id
from server.domain.paging import Cursors
from server.domain.schema import Schema
from server.storage.documents import DocumentStore
from server.storage.errors import DuplicateKey
from server.storage.repositories import Buckets, Collections, Objects
from server.usecases.auth import Principal
from server.usecases.listing import ListResult, list_page, list_params, selected
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.readers import delete_read_source


def _require(field: str, value: str | None) -> str:
    if not value:
        raise InvalidArgument([FieldViolation(field, "is required")])
    return value


MAX_BATCH_OBJECTS = 100
_SCAN = 1000  # objects per MongoDB read when aggregating
MAX_IDEMPOTENCY_KEY = 255


class ObjectProcessing(Protocol):
    """What `auto_process` hands new objects to (the processing engine)."""

    async def process_objects(self, principal: Principal, namespace_id: str, bucket_id: str, object_ids: list[str]) -> None: ...


class BucketUseCases:
    def __init__(
        self,
        buckets: Buckets,
        objects: Objects,
        collections: Collections,
        namespaces: NamespaceUseCases,
        *,
        cursors: Cursors,
        blob_limits: BlobLimits,
        documents: DocumentStore,
        processing: ObjectProcessing,
    ):
        self._documents = documents
        self._cursors = cursors
        self._blob_limits = blob_limits
        self._processing = processing
        self._buckets = buckets
        self._objects = objects
        self._collections = collections
        self._namespaces = namespaces

    async def _scope(self, principal: Principal, header: str | None) -> dict[str, str]:
        """The scope for a write: the namespace is always verified (and then cached)."""
        return {"_org": principal.organization_id, "_ns": await self._namespaces.resolve_id(principal, header)}

    async def _bucket(self, principal: Principal, header: str | None, ident: str, field: str = "bucket_id") -> tuple[dict[str, Any], dict[str, str]]:
        _require(field, ident)
        bucket, scope = await self._namespaces.scoped_read(principal, header, lambda s: self._buckets.find(s, ident))
        if bucket is None:
            raise NotFound("bucket", ident)
        return bucket, scope

    # Buckets -------------------------------------------------------------------------------------

    async def _with_totals(self, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Buckets as the API returns them: with their object count and size (counters, not a scan)."""
        totals = await self._objects.bucket_totals([b["_id"] for b in buckets])
        return [{**b, "object_count": totals[b["_id"]][0], "total_size_bytes": totals[b["_id"]][1]} for b in buckets]

    async def create(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        rules.check_new_bucket(request)
        scope = await self._scope(principal, header)
        bucket_id = new_id("bkt")
        now = clock.now()
        doc = {
            "_id": bucket_id,
            **scope,
            "bucket_id": bucket_id,
            "bucket_name": request["bucket_name"],
            "description": request.get("description", ""),
            "bucket_schema": request.get("bucket_schema") or {"properties": {}},
            "metadata": request.get("metadata") or {},
            "namespace_id": scope["_ns"],
            "created_at": now,
            "updated_at": now,
        }
        try:
            await self._buckets.insert(doc)
        except DuplicateKey:
            raise AlreadyExists("bucket", request["bucket_name"]) from None
        return {**doc, "object_count": 0, "total_size_bytes": 0}

    async def get(self, principal: Principal, header: str | None, ident: str) -> dict[str, Any]:
        return (await self._with_totals([(await self._bucket(principal, header, ident))[0]]))[0]

    async def list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        params, node = list_params(request, rules.BUCKET_SORTABLE, rules.BUCKET_FIELDS, self._cursors)
        scope = await self._scope(principal, header)
        result = await list_page(self._buckets, scope, request, params, self._cursors, rules.BUCKET_SEARCHABLE, node)
        return ListResult(await self._with_totals(result.items), result.pagination, result.total)

    async def update(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Name, description, metadata, or fields added to the schema (server.domain.buckets.bucket_changes)."""
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        changes = rules.bucket_changes(request, bucket)
        try:
            updated = await self._buckets.update(scope, bucket["_id"], {**changes, "updated_at": clock.now()})
        except DuplicateKey:
            raise AlreadyExists("bucket", str(changes["bucket_name"])) from None
        if updated is None:
            raise NotFound("bucket", request["bucket_id"])
        return (await self._with_totals([updated]))[0]

    async def delete(self, principal: Principal, header: str | None, ident: str, force: bool) -> dict[str, Any]:
        """Refused while collections read the bucket, unless forced (server.usecases.readers). The
        documents made from its objects (in every collection, down the lineage) go first, then the
        bucket, then its objects, which are unreachable once it is gone."""
        bucket, scope = await self._bucket(principal, header, ident)

        async def remove() -> int:
            await self._documents.delete_where(scope["_ns"], "root_bucket_id", bucket["_id"])
            await self._buckets.delete(scope, bucket["_id"])
            return await self._objects.delete_bucket(scope, bucket["_id"])

        objects, disabled = await delete_read_source(self._collections, scope, "bucket", bucket["_id"], bucket["bucket_name"], force, remove)
        text = f"Bucket {bucket['_id']} deleted with {objects} object(s)"
        text += f"; {len(disabled)} collection(s) disabled and marked FAILED: {', '.join(disabled)}." if disabled else "."
        return {"bucket_id": bucket["_id"], "objects_deleted": objects, "collections_disabled": disabled, "message": text}

    # Objects -------------------------------------------------------------------------------------

    async def create_object(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """One object; `replayed` says whether it existed already (idempotency key, or a duplicate
        with `skip_duplicates`). With `auto_process`, the object is handed to processing."""
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        checked = self._check(bucket, request, "")
        created, replayed = await self._insert_object({**scope, "_bucket": bucket["_id"]}, bucket, request, checked)
        if request.get("auto_process") and not replayed:
            await self._processing.process_objects(principal, scope["_ns"], bucket["_id"], [created["_id"]])
        return {"object": created, "replayed": replayed}

    async def create_objects(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Up to MAX_BATCH_OBJECTS objects, each checked and created on its own: the answer lists
        which were created (or found) and why the others were not; INVALID_ARGUMENT with every
        problem when none could be."""
        items = request.get("objects") or []
        if not 1 <= len(items) <= MAX_BATCH_OBJECTS:
            raise InvalidArgument([FieldViolation("objects", f"has {len(items)} objects; send 1 to {MAX_BATCH_OBJECTS}")])
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        in_bucket = {**scope, "_bucket": bucket["_id"]}
        succeeded: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        problems: list[FieldViolation] = []
        for index, item in enumerate(items):
            path = f"objects[{index}]"
            try:
                if item.get("bucket_id") and item["bucket_id"] not in (bucket["_id"], bucket["bucket_name"]):
                    raise InvalidArgument([FieldViolation(f"{path}.bucket_id", f"names another bucket than the call's ({bucket['_id']}); leave it out")])
                checked = self._check(bucket, item, path)
                created, replayed = await self._insert_object(in_bucket, bucket, item, checked)
            except InvalidArgument as error:
                problems += error.violations
                text = "; ".join(f"{v.field}: {v.description}" for v in error.violations)
                failed.append({"object_index": index, "error": text, "error_type": "validation_error"})
                continue
            succeeded.append({**created, "object_index": index, "replayed": replayed})
        if not succeeded:
            raise InvalidArgument(problems)
        new_ids = [o["_id"] for o in succeeded if not o["replayed"]]
        if request.get("auto_process") and new_ids:
            await self._processing.process_objects(principal, scope["_ns"], bucket["_id"], new_ids)
        return {
            "succeeded": succeeded,
            "failed": failed,
            "total_requested": len(items),
            "succeeded_count": len(succeeded),
            "failed_count": len(failed),
        }

    def _check(self, bucket: dict[str, Any], request: dict[str, Any], path: str) -> rules.CheckedObject:
        problems = []
        key = request.get("idempotency_key") or ""
        if len(key) > MAX_IDEMPOTENCY_KEY:
            problems.append(FieldViolation(f"{path}.idempotency_key".lstrip("."), f"has {len(key)} characters; at most {MAX_IDEMPOTENCY_KEY}"))
        try:
            checked = rules.check_new_object(Schema.from_json(bucket.get("bucket_schema")), rules.NewObject.from_request(request), self._blob_limits, path)
        except InvalidArgument as error:
            raise InvalidArgument([*problems, *error.violations]) from None
        if problems:
            raise InvalidArgument(problems)
        return checked

    async def _insert_object(self, in_bucket: dict[str, str], bucket: dict[str, Any], request: dict[str, Any], checked: rules.CheckedObject) -> tuple[dict[str, Any], bool]:
        """Inserts the object, or finds the one it repeats: the same idempotency key gives the same
        object ID (so a concurrent repeat collides on insert), and with `skip_duplicates` an object
        with the same blobs is looked up first, and else the new one's ID is derived from the blobs
        (so two such creates at once collide the same way)."""
        blobs = request.get("blobs") or []
        content = content_hash([(b["property"], data) for b, data in zip(blobs, checked.blobs, strict=True)])
        key = request.get("idempotency_key")
        object_id = rules.idempotent_object_id(bucket["_id"], key) if key else new_id("obj")
        if request.get("skip_duplicates"):
            duplicate = await self._objects.find_by_content(in_bucket, content)
            if duplicate is not None:
                return duplicate, True
            if not key:
                object_id = rules.deduplicated_object_id(bucket["_id"], content)
        if key:
            existing = await self._objects.get(in_bucket, object_id)
            if existing is not None:
                return existing, True
        schema = Schema.from_json(bucket.get("bucket_schema"))
        now = clock.now()
        stored_blobs = [{**b, "details": data.details()} for b, data in zip(blobs, checked.blobs, strict=True)]
        doc = {
            "_id": object_id,
            **{k: v for k, v in in_bucket.items() if k != "_bucket"},
            "_bucket": bucket["_id"],
            "_blobs": {b["property"]: b["data"] for b in blobs},
            "_ms": rules.time_shadows(schema, checked.metadata),
            "_content": content,
            "object_id": object_id,
            "bucket_id": bucket["_id"],
            "key_prefix": request.get("key_prefix", ""),
            "metadata": checked.metadata,
            "blobs": stored_blobs,
            "created_at": now,
            "updated_at": now,
        }
        try:
            await self._objects.insert(doc)
        except DuplicateKey:
            existing = await self._objects.get(in_bucket, object_id)
            if existing is None:
                raise
            return existing, True
        return doc, False

    async def get_object(self, principal: Principal, header: str | None, bucket_ident: str, object_id: str) -> dict[str, Any]:
        bucket, scope = await self._bucket(principal, header, bucket_ident)
        found = await self._objects.get({**scope, "_bucket": bucket["_id"]}, _require("object_id", object_id))
        if found is None:
            raise NotFound("object", object_id)
        return found

    async def list_objects(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        params, node = list_params(request, rules.OBJECT_SORTABLE, rules.ObjectFields(bucket.get("bucket_schema")), self._cursors, selectable=True)
        if request.get("key_prefix"):
            node = filters.all_of(node, filters.prefix("key_prefix", request["key_prefix"]))
        result = await list_page(self._objects, {**scope, "_bucket": bucket["_id"]}, request, params, self._cursors, rules.OBJECT_SEARCHABLE, node)
        select = (request.get("query") or {}).get("select")
        if not select:
            return result
        paths = rules.selected_object_paths(select)
        return ListResult([selected(item, paths, rules.OBJECT_ALWAYS_SELECTED) for item in result.items], result.pagination, result.total)

    async def aggregate_objects(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Groups the bucket's matching objects (as stored: fields at their `mongo` paths) and
        computes the metrics (server.domain.aggregation), reading at most aggregation.MAX_SCANNED
        of them: more is refused naming `filters`, up front from the bucket's object counter when
        there is no filter, else once the reading passes the cap. A count of the whole bucket is
        its counter, read nothing."""
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        fields = rules.ObjectFields(bucket.get("bucket_schema"), files=False)
        problems = Violations()
        where = filters.parse(request.get("filters"), fields, "filters", problems)
        problems.raise_if_any()
        plan = aggregation.plan(request, fields, stored=True)
        result = aggregation.Aggregation(plan)
        if where is None:
            ((count, _),) = (await self._objects.bucket_totals([bucket["_id"]])).values()
            if plan.counts_only:
                result.counted(count)
            elif count > aggregation.MAX_SCANNED:
                raise aggregation.too_many(count, "objects")
        if not (where is None and plan.counts_only):
            after: str | None = ""
            while after is not None:
                page, after = await self._objects.in_order(scope, [bucket["_id"]], prefix="", object_ids=[], where=where, after=after, limit=_SCAN)
                if result.scanned + len(page) > aggregation.MAX_SCANNED:
                    raise aggregation.too_many(f"more than {aggregation.MAX_SCANNED}", "objects")
                for doc in page:
                    result.add(doc)
        rows = result.rows()
        info = {
            "bucket_id": bucket["_id"],
            "objects_scanned": result.scanned,
            "groups": result.groups,
            "max_objects_scanned": aggregation.MAX_SCANNED,
            "max_groups": aggregation.MAX_GROUPS,
        }
        return {"results": rows, "total_groups": len(rows), "query_info": info}

    async def update_object(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """Key prefix and metadata keys (server.domain.buckets.object_changes); never its blobs. The
        documents made from it keep what they copied until it is processed again."""
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        in_bucket = {**scope, "_bucket": bucket["_id"]}
        object_id = _require("object_id", request.get("object_id"))
        stored = await self._objects.get(in_bucket, object_id)
        if stored is None:
            raise NotFound("object", object_id)
        changes = rules.object_changes(request, stored, Schema.from_json(bucket.get("bucket_schema")))
        updated = await self._objects.update(in_bucket, object_id, {**changes, "updated_at": clock.now()})
        if updated is None:
            raise NotFound("object", object_id)
        return updated

    async def delete_object(self, principal: Principal, header: str | None, bucket_ident: str, object_id: str) -> dict[str, Any]:
        """The documents made from the object (in every collection, down the lineage) go first, so
        a failure part-way leaves the object to delete again, never documents of a gone object."""
        bucket, scope = await self._bucket(principal, header, bucket_ident)
        in_bucket = {**scope, "_bucket": bucket["_id"]}
        if await self._objects.get(in_bucket, _require("object_id", object_id)) is None:
            raise NotFound("object", object_id)
        await self._documents.delete_where(scope["_ns"], "root_object_id", object_id)
        if not await self._objects.delete(in_bucket, object_id):
            raise NotFound("object", object_id)
        return {"object_id": object_id}
