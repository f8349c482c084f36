"""REST gateway: Mixpeek's paths and JSON, transcoded to the gRPC services from their
`google.api.http` rules (routes.py), with an OpenAPI document and a docs page from the same
descriptors (openapi.py, docs.py), served by aiohttp next to the gRPC server (server.py)."""

from server.gateway.server import Gateway

__all__ = ["Gateway"]
