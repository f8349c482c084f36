"""DocumentService: converts and delegates to the document use cases. Documents travel as
google.protobuf.Struct (their fields are the user's), built here from the use case's JSON."""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from vecplane.v1 import document_pb2 as pb
from vecplane.v1 import document_pb2_grpc

from server.api.context import namespace_header, principal
from server.api.convert import to_dict, to_message, to_struct
from server.usecases.documents import DocumentUseCases
from server.usecases.namespace_documents import NamespaceDocumentUseCases, NamespaceList


def _value(value: Any) -> struct_pb2.Value:
    found = struct_pb2.Value()
    json_format.ParseDict(value, found)
    return found


def _namespace_list(found: NamespaceList) -> pb.ListNamespaceDocumentsResponse:
    answer = to_message({"pagination": found.page.pagination, "total_count": found.page.total}, pb.ListNamespaceDocumentsResponse)
    answer.results.extend(to_struct(item) for item in found.page.items)
    answer.unknown_collection_ids.extend(found.unknown_collection_ids)
    return answer


class DocumentServicer(document_pb2_grpc.DocumentServiceServicer):
    def __init__(self, documents: DocumentUseCases, in_namespace: NamespaceDocumentUseCases):
        self._documents = documents
        self._in_namespace = in_namespace

    async def ListDocuments(self, request: pb.ListDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.ListDocumentsResponse:
        result = await self._documents.list_documents(principal(), namespace_header(), to_dict(request))
        answer = to_message({"pagination": result.pagination, "total_count": result.total}, pb.ListDocumentsResponse)
        answer.results.extend(to_struct(item) for item in result.items)
        return answer

    async def CountDocuments(self, request: pb.CountDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.CountDocumentsResponse:
        counted = await self._documents.count(principal(), namespace_header(), request.collection_id, to_dict(request).get("filters"))
        return to_message(counted, pb.CountDocumentsResponse)

    async def CreateDocument(self, request: pb.CreateDocumentRequest, context: grpc.aio.ServicerContext) -> pb.CreateDocumentResponse:
        made = await self._documents.create(principal(), namespace_header(), request.collection_id, to_dict(request.document))
        return pb.CreateDocumentResponse(document=to_struct(made))

    async def GetDocument(self, request: pb.GetDocumentRequest, context: grpc.aio.ServicerContext) -> pb.GetDocumentResponse:
        found = await self._documents.get(principal(), namespace_header(), request.collection_id, request.document_id, request.return_vectors)
        return pb.GetDocumentResponse(document=to_struct(found))

    async def UpdateDocument(self, request: pb.UpdateDocumentRequest, context: grpc.aio.ServicerContext) -> pb.UpdateDocumentResponse:
        changes = json_format.MessageToDict(request.update_data)
        updated = await self._documents.update(principal(), namespace_header(), request.collection_id, request.document_id, changes)
        return pb.UpdateDocumentResponse(document=to_struct(updated))

    async def DeleteDocument(self, request: pb.DeleteDocumentRequest, context: grpc.aio.ServicerContext) -> pb.DeleteDocumentResponse:
        outcome = await self._documents.delete(principal(), namespace_header(), request.collection_id, request.document_id)
        return to_message(outcome, pb.DeleteDocumentResponse)

    async def AggregateDocuments(self, request: pb.AggregateDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.AggregateDocumentsResponse:
        answer = await self._documents.aggregate(principal(), namespace_header(), to_dict(request))
        rows = [pb.AggregationRow(group=to_struct(row["group"]), metrics=to_struct(row["metrics"])) for row in answer["results"]]
        return pb.AggregateDocumentsResponse(results=rows, total_groups=answer["total_groups"], query_info=to_struct(answer["query_info"]))

    async def DistinctDocumentValues(self, request: pb.DistinctDocumentValuesRequest, context: grpc.aio.ServicerContext) -> pb.DistinctDocumentValuesResponse:
        answer = await self._documents.distinct(principal(), namespace_header(), to_dict(request))
        values = [pb.DistinctValue(value=_value(item["value"]), count=item["count"]) for item in answer["values"]]
        return pb.DistinctDocumentValuesResponse(field=answer["field"], values=values, total_distinct=answer["total_distinct"], query_info=to_struct(answer["query_info"]))

    async def BatchDeleteDocuments(self, request: pb.BatchDeleteDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.BatchDeleteDocumentsResponse:
        return to_message(await self._documents.batch_delete(principal(), namespace_header(), to_dict(request)), pb.BatchDeleteDocumentsResponse)

    async def BatchUpdateDocuments(self, request: pb.BatchUpdateDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.BatchUpdateDocumentsResponse:
        return to_message(await self._documents.batch_update(principal(), namespace_header(), to_dict(request)), pb.BatchUpdateDocumentsResponse)

    async def BulkUpdateDocuments(self, request: pb.BulkUpdateDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.BulkUpdateDocumentsResponse:
        return to_message(await self._documents.bulk_update(principal(), namespace_header(), to_dict(request)), pb.BulkUpdateDocumentsResponse)

    async def GetDocumentAncestors(self, request: pb.GetDocumentAncestorsRequest, context: grpc.aio.ServicerContext) -> pb.GetDocumentAncestorsResponse:
        found = await self._documents.ancestors(principal(), namespace_header(), request.collection_id, request.document_id)
        return pb.GetDocumentAncestorsResponse(documents=[to_struct(doc) for doc in found])

    async def GetDocumentDescendants(self, request: pb.GetDocumentDescendantsRequest, context: grpc.aio.ServicerContext) -> pb.GetDocumentDescendantsResponse:
        found = await self._documents.descendants(principal(), namespace_header(), request.collection_id, request.document_id)
        return pb.GetDocumentDescendantsResponse(documents=[to_struct(doc) for doc in found])

    async def ValidateDocumentSchema(self, request: pb.ValidateDocumentSchemaRequest, context: grpc.aio.ServicerContext) -> pb.ValidateDocumentSchemaResponse:
        document = json_format.MessageToDict(request.document)
        return to_message(await self._documents.validate(principal(), namespace_header(), request.collection_id, document), pb.ValidateDocumentSchemaResponse)

    async def GetDocumentDiagnostics(self, request: pb.GetDocumentDiagnosticsRequest, context: grpc.aio.ServicerContext) -> pb.GetDocumentDiagnosticsResponse:
        found = await self._documents.diagnose(principal(), namespace_header(), request.collection_id, request.document_id)
        return to_message(found, pb.GetDocumentDiagnosticsResponse)

    async def ListNamespaceDocuments(self, request: pb.ListNamespaceDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.ListNamespaceDocumentsResponse:
        return _namespace_list(await self._in_namespace.list(principal(), namespace_header(), to_dict(request)))

    async def BatchListNamespaceDocuments(self, request: pb.BatchListNamespaceDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.BatchListNamespaceDocumentsResponse:
        answers = await self._in_namespace.batch_list(principal(), namespace_header(), to_dict(request))
        results = [
            pb.BatchListDocumentsResult(key=key, error=answer) if isinstance(answer, str) else pb.BatchListDocumentsResult(key=key, response=_namespace_list(answer))
            for key, answer in answers
        ]
        return pb.BatchListNamespaceDocumentsResponse(results=results)

    async def BatchGetDocuments(self, request: pb.BatchGetDocumentsRequest, context: grpc.aio.ServicerContext) -> pb.BatchGetDocumentsResponse:
        found = await self._in_namespace.batch_get(principal(), namespace_header(), to_dict(request))
        return pb.BatchGetDocumentsResponse(documents=[to_struct(doc) for doc in found["documents"]], not_found=found["not_found"])

    async def GetNamespaceDocument(self, request: pb.GetNamespaceDocumentRequest, context: grpc.aio.ServicerContext) -> pb.GetNamespaceDocumentResponse:
        found = await self._in_namespace.get(principal(), namespace_header(), request.document_id, request.return_vectors)
        return pb.GetNamespaceDocumentResponse(document=to_struct(found))

    async def UpdateNamespaceDocument(self, request: pb.UpdateNamespaceDocumentRequest, context: grpc.aio.ServicerContext) -> pb.UpdateNamespaceDocumentResponse:
        changes = json_format.MessageToDict(request.update_data)
        updated = await self._in_namespace.update(principal(), namespace_header(), request.document_id, changes)
        return pb.UpdateNamespaceDocumentResponse(document=to_struct(updated))
