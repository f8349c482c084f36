"""Buckets, scoped by namespace; names unique per namespace (the base unique index)."""

from server.storage.repository import Repository


class BucketRepository(Repository):
    collection_name = "buckets"
    scope_key = "_ns"
    name_field = "bucket_name"
    id_prefix = "bkt"
