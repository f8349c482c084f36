"""One example request per RPC that REST calls with a body, in the REST JSON (path fields included).

The OpenAPI document takes each operation's body example and its path parameters' examples from
here, so `/openapi.json` and `/docs` show the same request; tests/integration/test_gateway_examples.py
sends every example to a server in this order and checks that it is accepted. They tell one story:
a `catalog` namespace, a `products` bucket, a `product-texts` collection embedded by the packaged
MiniLM model (runs on any server), a `product-search` retriever over it. Generated IDs (`obj_...`)
stand for the ones a server hands out.
"""

from __future__ import annotations

from typing import Any

_MINILM = {"feature_extractor_name": "minilm_text_extractor", "version": "v1"}
_FINGERPRINT = {"feature_extractor_name": "image_fingerprint", "version": "v1"}
_OBJECT_IDS = ["obj_7Hc2Lq9ZrT", "obj_Q4mX8vN1kB"]
_TRAIL_FILTER = {"AND": [{"field": "content", "operator": "contains", "value": "trail"}]}
_SEARCH_STAGES = [
    {
        "stage_name": "search",
        "config": {
            "stage_id": "feature_search",
            "parameters": {
                "searches": [
                    {
                        "feature_uri": "mixpeek://minilm_text_extractor@v1/all_minilm_l6_v2",
                        "query": {"input_mode": "text", "value": "{{INPUT.query}}"},
                        "top_k": 50,
                    }
                ],
                "final_top_k": 10,
            },
        },
    }
]
_QUERY_INPUT = {"query": {"type": "text", "required": True}}

# Keyed by the gRPC method's full name, in the order a client would send them.
REQUESTS: dict[str, dict[str, Any]] = {
    "vecplane.v1.AdminService.CreateOrganization": {"organization_name": "acme"},
    "vecplane.v1.AdminService.CreateApiKey": {"organization_id": "org_5rKp2WdA9x", "key_name": "acme-admin", "role": "admin"},
    "vecplane.v1.FeatureExtractorService.RunFeatureExtractor": {
        "feature_extractor_id": "minilm_text_extractor_v1",
        "inputs": [{"text": "A light shoe for rough trails. It dries fast."}],
        "parameters": {"split_by": "sentences", "chunk_size": 1},
    },
    "vecplane.v1.NamespaceService.CreateNamespace": {
        "namespace_name": "catalog",
        "description": "Product catalogue",
        "feature_extractors": [_MINILM],
        "payload_indexes": [{"field_name": "metadata.brand", "type": "keyword"}],
    },
    "vecplane.v1.NamespaceService.ListNamespaces": {
        "query": {"filters": {"AND": [{"field": "namespace_name", "operator": "starts_with", "value": "cat"}]}, "sort": {"field": "created_at", "direction": "desc"}},
    },
    "vecplane.v1.NamespaceService.UpdateNamespace": {
        "namespace_id": "catalog",
        "description": "Product catalogue: texts and photos",
        "feature_extractors": [_MINILM, _FINGERPRINT],
    },
    "vecplane.v1.NamespaceService.PatchNamespace": {"namespace_id": "catalog", "description": "Product catalogue: texts and photos", "feature_extractors": [_FINGERPRINT]},
    "vecplane.v1.NamespaceService.BatchGetNamespaceStats": {"namespace_ids": ["ns_a1b2c3d4e5"]},
    "vecplane.v1.NamespaceService.EnsureNamespaceIndexes": {"namespace_id": "catalog"},
    "vecplane.v1.NamespaceService.Reconfigure": {"namespace_id": "catalog", "confirm": True},
    "vecplane.v1.BucketService.CreateBucket": {
        "bucket_name": "products",
        "description": "One object per product",
        "bucket_schema": {"properties": {"title": {"type": "string", "required": True}, "content": {"type": "text"}}},
    },
    "vecplane.v1.BucketService.ListBuckets": {"query": {"search": "prod"}},
    "vecplane.v1.BucketService.UpdateBucket": {
        "bucket_id": "products",
        "description": "One object per product, with its price",
        "bucket_schema": {"properties": {"title": {"type": "string", "required": True}, "content": {"type": "text"}, "price": {"type": "number"}}},
    },
    "vecplane.v1.BucketService.UpdateObject": {"bucket_id": "products", "object_id": "obj_a1b2c3d4e5", "key_prefix": "/shoes/trail", "metadata": {"brand": "Southwind"}},
    "vecplane.v1.BucketService.CreateObject": {
        "bucket_id": "products",
        "key_prefix": "/shoes",
        "metadata": {"title": "Trail runner", "brand": "Northwind"},
        "blobs": [{"property": "content", "type": "text", "data": "A light shoe for rough trails."}],
    },
    "vecplane.v1.BucketService.CreateObjects": {
        "bucket_id": "products",
        "objects": [
            {"key_prefix": "/shoes", "metadata": {"title": "Road racer"}, "blobs": [{"property": "content", "type": "text", "data": "A fast shoe for asphalt."}]},
            {"key_prefix": "/jackets", "metadata": {"title": "Rain shell"}, "blobs": [{"property": "content", "type": "text", "data": "Keeps a hiker dry on the trail."}]},
        ],
    },
    "vecplane.v1.BucketService.ListObjects": {
        "bucket_id": "products",
        "query": {"filters": {"AND": [{"field": "key_prefix", "operator": "eq", "value": "/shoes"}]}, "sort": {"field": "created_at", "direction": "asc"}},
    },
    "vecplane.v1.BucketService.AggregateObjects": {
        "bucket_id": "products",
        "group_by": [{"field": "created_at", "alias": "day", "date_trunc": "day"}],
        "aggregations": [{"function": "count", "alias": "objects"}, {"function": "count_distinct", "field": "title", "alias": "titles"}],
        "filters": {"AND": [{"field": "key_prefix", "operator": "eq", "value": "/shoes"}]},
        "sort_by": "day",
        "sort_direction": "asc",
    },
    "vecplane.v1.CollectionService.CreateCollection": {
        "collection_name": "product-texts",
        "description": "Product texts embedded by MiniLM",
        "source": {"type": "bucket", "bucket_id": "products"},
        "feature_extractors": [{**_MINILM, "input_mapping": {"text": "content"}}],
    },
    "vecplane.v1.CollectionService.CloneCollection": {"collection_id": "product-texts", "collection_name": "product-texts-copy", "description": "A copy to try other settings on"},
    "vecplane.v1.CollectionService.ListCollections": {"query": {"search": "product"}},
    "vecplane.v1.CollectionService.UpdateCollection": {"collection_id": "product-texts", "description": "Product texts (MiniLM, 384-d)", "metadata": {"team": "search"}},
    "vecplane.v1.TaskService.TriggerCollection": {"collection_id": "product-texts"},
    "vecplane.v1.TaskService.ListTasks": {"status": "COMPLETED", "limit": 10},
    "vecplane.v1.DocumentService.ListDocuments": {"collection_id": "product-texts", "filters": _TRAIL_FILTER, "limit": 10},
    "vecplane.v1.DocumentService.CountDocuments": {"collection_id": "product-texts", "filters": _TRAIL_FILTER},
    "vecplane.v1.DocumentService.AggregateDocuments": {
        "collection_id": "product-texts",
        "group_by": [{"field": "root_object_id", "alias": "object"}],
        "aggregations": [{"function": "count", "alias": "documents"}],
        "filters": _TRAIL_FILTER,
        "sort_by": "documents",
        "limit": 10,
    },
    "vecplane.v1.DocumentService.DistinctDocumentValues": {"collection_id": "product-texts", "field": "root_bucket_id", "limit": 10},
    "vecplane.v1.DocumentService.ValidateDocumentSchema": {"collection_id": "product-texts", "document": {"content": "Trail running shoes", "reviewed": True}},
    "vecplane.v1.DocumentService.ListNamespaceDocuments": {"collection_ids": ["product-texts"], "filters": _TRAIL_FILTER, "limit": 10},
    "vecplane.v1.DocumentService.BatchListNamespaceDocuments": {
        "queries": [
            {"key": "trail", "request": {"filters": _TRAIL_FILTER, "limit": 5}},
            {"key": "texts", "request": {"collection_ids": ["product-texts"], "include_total": True, "limit": 1}},
        ]
    },
    "vecplane.v1.DocumentService.BatchGetDocuments": {"document_ids": ["doc_3f2b9c0e5a7d4e1f8b6a2c9d0e7f1a3b", "doc_7a1c2e3f4b5d6e7f8a9b0c1d2e3f4a5b"]},
    "vecplane.v1.DocumentService.UpdateNamespaceDocument": {"document_id": "doc_3f2b9c0e5a7d4e1f8b6a2c9d0e7f1a3b", "update_data": {"reviewed": True}},
    "vecplane.v1.DocumentService.UpdateDocument": {
        "collection_id": "product-texts",
        "document_id": "doc_3f2b9c0e5a7d4e1f8b6a2c9d0e7f1a3b",
        "update_data": {"reviewed": True, "metadata.brand": "Northwind"},
    },
    "vecplane.v1.DocumentService.CreateDocument": {
        "collection_id": "product-texts",
        "document": {"metadata": {"content": "Trail running shoes, exported", "metadata": {"brand": "Northwind"}}, "root_object_id": "obj_exported01", "root_bucket_id": "bkt_exported01"},
    },
    "vecplane.v1.DocumentService.BatchUpdateDocuments": {
        "collection_id": "product-texts",
        "updates": [
            {"document_id": "doc_3f2b9c0e5a7d4e1f8b6a2c9d0e7f1a3b", "update_data": {"reviewed": True}},
            {"document_id": "doc_8c1d4e7f0a2b4c6d9e3f5a7b1c0d2e4f", "update_data": {"metadata.brand": "Northwind"}},
        ],
    },
    "vecplane.v1.DocumentService.BulkUpdateDocuments": {"collection_id": "product-texts", "filters": _TRAIL_FILTER, "update_data": {"metadata.category": "outdoor"}},
    "vecplane.v1.DocumentService.BatchDeleteDocuments": {
        "collection_id": "product-texts",
        "document_ids": ["doc_8c1d4e7f0a2b4c6d9e3f5a7b1c0d2e4f"],
        "reason": "discontinued product",
    },
    "vecplane.v1.RetrieverService.CreateRetriever": {
        "retriever_name": "product-search",
        "description": "Products by what their text means",
        "collection_identifiers": ["product-texts"],
        "stages": _SEARCH_STAGES,
        "input_schema": _QUERY_INPUT,
        "tags": ["catalog"],
    },
    "vecplane.v1.RetrieverService.ListRetrievers": {"query": {"search": "product"}},
    "vecplane.v1.RetrieverService.UpdateRetriever": {"retriever_id": "product-search", "description": "Products by meaning", "tags": ["catalog", "v2"]},
    "vecplane.v1.RetrieverService.ExecuteRetriever": {"retriever_id": "product-search", "inputs": {"query": "shoes for hiking"}, "limit": 5},
    "vecplane.v1.RetrieverService.ExecuteBatchRetriever": {
        "retriever_id": "product-search",
        "queries": [{"inputs": {"query": "shoes for hiking"}}, {"inputs": {"query": "rain jacket"}, "filters": _TRAIL_FILTER}],
        "settings": {"limit": 3},
    },
    "vecplane.v1.RetrieverService.ListRetrieverExecutions": {"retriever_id": "product-search", "query": {"status": "completed"}},
    "vecplane.v1.RetrieverService.ListAdhocExecutions": {"query": {"status": "completed", "start_time": "2026-01-01T00:00:00Z"}},
    "vecplane.v1.RetrieverService.ExplainRetriever": {"retriever_id": "product-search", "inputs": {"query": "shoes for hiking"}},
    "vecplane.v1.RetrieverService.CloneRetriever": {"retriever_id": "product-search", "retriever_name": "product-search-v2", "tags": ["catalog", "experiment"]},
    "vecplane.v1.RetrieverService.ExecuteAdhocRetriever": {
        "collection_identifiers": ["product-texts"],
        "stages": _SEARCH_STAGES,
        "input_schema": _QUERY_INPUT,
        "inputs": {"query": "waterproof jacket"},
        "limit": 3,
    },
    "vecplane.v1.BatchService.CreateBatch": {"bucket_id": "products", "object_ids": _OBJECT_IDS, "batch_name": "spring-catalogue"},
    "vecplane.v1.BatchService.AddBatchObjects": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk", "object_ids": ["obj_Zc6yT1uE4w"]},
    "vecplane.v1.BatchService.ListBatches": {"bucket_id": "products", "limit": 10},
    "vecplane.v1.BatchService.SubmitBatch": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk"},
    "vecplane.v1.BatchService.CancelBatch": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk"},
    "vecplane.v1.BatchService.RetryBatch": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk"},
    "vecplane.v1.BatchService.PatchBatch": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk", "metadata": {"campaign_id": "spring"}},
    "vecplane.v1.BatchService.ResubmitBatch": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk", "auto_submit": True},
    "vecplane.v1.BatchService.EstimateBatchCost": {"bucket_id": "products", "batch_id": "btch_Vn3sP0aQ7eXk"},
    "vecplane.v1.BatchService.SubmitAllDrafts": {"bucket_id": "products"},
    "vecplane.v1.BatchService.BulkSubmitBatches": {"bucket_id": "products", "chunk_size": 1000, "max_objects": 5000},
}
