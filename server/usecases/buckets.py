"""Buckets and their objects, in the namespace named by the `x-namespace` header."""

from __future__ import annotations

from typing import Any

from server.domain import buckets as rules
from server.domain import clock, filters
from server.domain.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from server.domain.ids import new_id
from server.domain.paging import Cursors
from server.domain.schema import Schema
from server.storage.errors import DuplicateKey
from server.storage.repositories import Buckets, Collections, Objects
from server.usecases.auth import Principal
from server.usecases.listing import ListResult, list_page, list_params
from server.usecases.namespaces import NamespaceUseCases
from server.usecases.readers import delete_read_source


def _require(field: str, value: str | None) -> str:
    if not value:
        raise InvalidArgument([FieldViolation(field, "is required")])
    return value


class BucketUseCases:
    def __init__(self, buckets: Buckets, objects: Objects, collections: Collections, namespaces: NamespaceUseCases, *, cursors: Cursors):
        self._cursors = cursors
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
        return doc

    async def get(self, principal: Principal, header: str | None, ident: str) -> dict[str, Any]:
        return (await self._bucket(principal, header, ident))[0]

    async def list(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        params, node = list_params(request, rules.BUCKET_SORTABLE, rules.BUCKET_FIELDS, self._cursors)
        scope = await self._scope(principal, header)
        return await list_page(self._buckets, scope, request, params, self._cursors, rules.BUCKET_SEARCHABLE, node)

    async def delete(self, principal: Principal, header: str | None, ident: str, force: bool) -> dict[str, Any]:
        """Refused while collections read the bucket, unless forced (server.usecases.readers); the
        bucket goes before its objects, which are unreachable once it is gone."""
        bucket, scope = await self._bucket(principal, header, ident)

        async def remove() -> int:
            await self._buckets.delete(scope, bucket["_id"])
            return await self._objects.delete_bucket(scope, bucket["_id"])

        objects, disabled = await delete_read_source(self._collections, scope, "bucket", bucket["_id"], bucket["bucket_name"], force, remove)
        text = f"Bucket {bucket['_id']} deleted with {objects} object(s)"
        text += f"; {len(disabled)} collection(s) disabled and marked FAILED: {', '.join(disabled)}." if disabled else "."
        return {"bucket_id": bucket["_id"], "objects_deleted": objects, "collections_disabled": disabled, "message": text}

    # Objects -------------------------------------------------------------------------------------

    async def create_object(self, principal: Principal, header: str | None, request: dict[str, Any]) -> dict[str, Any]:
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        schema = Schema.from_json(bucket.get("bucket_schema"))
        metadata = rules.check_new_object(schema, rules.NewObject.from_request(request))
        object_id = new_id("obj")
        now = clock.now()
        blobs = request.get("blobs") or []
        doc = {
            "_id": object_id,
            **scope,
            "_bucket": bucket["_id"],
            "_blobs": {b["property"]: b["data"] for b in blobs},
            "_ms": rules.time_shadows(schema, metadata),
            "object_id": object_id,
            "bucket_id": bucket["_id"],
            "key_prefix": request.get("key_prefix", ""),
            "metadata": metadata,
            "blobs": blobs,
            "created_at": now,
            "updated_at": now,
        }
        await self._objects.insert(doc)
        return doc

    async def get_object(self, principal: Principal, header: str | None, bucket_ident: str, object_id: str) -> dict[str, Any]:
        bucket, scope = await self._bucket(principal, header, bucket_ident)
        found = await self._objects.get({**scope, "_bucket": bucket["_id"]}, _require("object_id", object_id))
        if found is None:
            raise NotFound("object", object_id)
        return found

    async def list_objects(self, principal: Principal, header: str | None, request: dict[str, Any]) -> ListResult:
        bucket, scope = await self._bucket(principal, header, request.get("bucket_id", ""))
        params, node = list_params(request, rules.OBJECT_SORTABLE, rules.ObjectFields(bucket.get("bucket_schema")), self._cursors)
        if request.get("key_prefix"):
            node = filters.all_of(node, filters.prefix("key_prefix", request["key_prefix"]))
        return await list_page(self._objects, {**scope, "_bucket": bucket["_id"]}, request, params, self._cursors, rules.OBJECT_SEARCHABLE, node)

    async def delete_object(self, principal: Principal, header: str | None, bucket_ident: str, object_id: str) -> dict[str, Any]:
        bucket, scope = await self._bucket(principal, header, bucket_ident)
        if not await self._objects.delete({**scope, "_bucket": bucket["_id"]}, _require("object_id", object_id)):
            raise NotFound("object", object_id)
        return {"object_id": object_id}
