"""FeatureExtractorService: the catalogue, read-only."""

from __future__ import annotations

from vecplane.v1 import feature_extractor_pb2 as pb
from vecplane.v1 import feature_extractor_pb2_grpc

from server.api.convert import to_message
from server.domain.errors import NotFound
from server.domain.extractors import Catalogue


class FeatureExtractorServicer(feature_extractor_pb2_grpc.FeatureExtractorServiceServicer):
    def __init__(self, catalogue: Catalogue):
        # The catalogue is fixed for the life of the process, so the messages are built once.
        self._all = [to_message(d.as_api(), pb.FeatureExtractorDefinition) for d in catalogue.all()]
        self._by_id = {m.feature_extractor_id: m for m in self._all}

    async def ListFeatureExtractors(self, request, context):
        return pb.ListFeatureExtractorsResponse(results=self._all)

    async def GetFeatureExtractor(self, request, context):
        found = self._by_id.get(request.feature_extractor_id)
        if found is None:
            raise NotFound("feature_extractor", request.feature_extractor_id)
        return pb.GetFeatureExtractorResponse(feature_extractor=found)
