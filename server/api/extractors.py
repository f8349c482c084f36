"""FeatureExtractorService: the catalogue (with what each entry needs to run here) and direct runs."""

from __future__ import annotations

from vecplane.v1 import feature_extractor_pb2 as pb
from vecplane.v1 import feature_extractor_pb2_grpc

from server.api.context import optional_principal
from server.api.convert import to_dict, to_message
from server.domain.errors import NotFound
from server.domain.extraction import RawInput
from server.domain.extractors import Catalogue
from server.extractors.registry import Availability
from server.protojson import enum_value_json
from server.usecases.extraction import ExtractionUseCases


def _availability(found: Availability) -> pb.ExtractorAvailability:
    return pb.ExtractorAvailability(
        runnable=found.runnable,
        needs=found.needs,
        models=[
            pb.ExtractorModel(vector_name=m.vector, model_id=m.model_id, dimensions=m.dimensions, runs_with=m.runs_with, needs=m.needs)
            for m in found.models
        ],
    )


class CatalogueMessages:
    """The catalogue's entries as messages, built once (the catalogue is fixed for the life of the
    process): with `availability` for callers with a key, and the built-ins without it for callers
    without one (it names this server's settings)."""

    def __init__(self, catalogue: Catalogue, availability: dict[str, Availability]):
        self.all: list[pb.FeatureExtractorDefinition] = []
        self.public: list[pb.FeatureExtractorDefinition] = []
        for definition in catalogue.all():
            message = to_message(definition.as_api(), pb.FeatureExtractorDefinition)
            if definition.is_builtin:
                self.public.append(to_message(definition.as_api(), pb.FeatureExtractorDefinition))
            message.availability.CopyFrom(_availability(availability[definition.id]))
            self.all.append(message)
        self._by_id = {m.feature_extractor_id: m for m in self.all}
        self._public_by_id = {m.feature_extractor_id: m for m in self.public}

    def get(self, extractor_id: str, *, keyed: bool = True) -> pb.FeatureExtractorDefinition:
        found = (self._by_id if keyed else self._public_by_id).get(extractor_id)
        if found is None:
            raise NotFound("feature_extractor", extractor_id)
        return found


class FeatureExtractorServicer(feature_extractor_pb2_grpc.FeatureExtractorServiceServicer):
    """The catalogue answers without a key (Mixpeek's is public): then built-ins only, without
    `availability`; with a key, plugins and availability too."""

    def __init__(self, messages: CatalogueMessages, extraction: ExtractionUseCases):
        self._messages = messages
        self._extraction = extraction

    async def ListFeatureExtractors(self, request, context):
        return pb.ListFeatureExtractorsResponse(results=self._messages.all if optional_principal() else self._messages.public)

    async def GetFeatureExtractor(self, request, context):
        return pb.GetFeatureExtractorResponse(feature_extractor=self._messages.get(request.feature_extractor_id, keyed=optional_principal() is not None))

    async def RunFeatureExtractor(self, request, context):
        inputs = [
            RawInput(name=i.name, **{i.WhichOneof("value"): getattr(i, i.WhichOneof("value"))} if i.WhichOneof("value") else {})
            for i in request.inputs
        ]
        output_type = request.document_output_type
        documents = await self._extraction.run(
            request.feature_extractor_id,
            inputs,
            to_dict(request).get("parameters") or {},
            enum_value_json(pb.DocumentOutputType.DESCRIPTOR.values_by_number[output_type]) if output_type else None,
        )
        response = pb.RunFeatureExtractorResponse(feature_extractor_id=request.feature_extractor_id)
        for item in documents:
            message = response.documents.add(input_index=item.input_index)
            for name, vector in item.document.vectors.items():
                message.vectors[name].values.extend(vector.tolist())
            message.fields.update(item.document.fields)
        return response
