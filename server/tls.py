"""TLS for both ports from PEM files: the server's certificate chain and key, and optionally the CA
whose client certificates are required (mutual TLS). Files are read once at start; a missing,
unreadable or mismatched file is a StartupError naming its setting."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import grpc

from server.config import Settings, StartupError


@dataclass(frozen=True)
class ServerTls:
    cert_file: Path
    key_file: Path
    client_ca_file: Path | None

    def grpc_credentials(self) -> grpc.ServerCredentials:
        client_ca = self.client_ca_file.read_bytes() if self.client_ca_file else None
        return grpc.ssl_server_credentials(
            [(self.key_file.read_bytes(), self.cert_file.read_bytes())],
            root_certificates=client_ca,
            require_client_auth=client_ca is not None,
        )

    def ssl_context(self) -> ssl.SSLContext:
        """For the REST port: TLS 1.2 or newer, client certificates required when a client CA is set."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        if self.client_ca_file:
            context.load_verify_locations(cafile=self.client_ca_file)
            context.verify_mode = ssl.CERT_REQUIRED
        context.set_alpn_protocols(["http/1.1"])
        return context


def load(settings: Settings) -> ServerTls | None:
    """The configured TLS (None: plaintext), checked by building it once."""
    cert, key, client_ca = settings.tls_cert_file, settings.tls_key_file, settings.tls_client_ca_file
    if cert is None and key is None:
        if client_ca is not None:
            raise StartupError("VECPLANE_TLS_CLIENT_CA: client certificates need TLS; set VECPLANE_TLS_CERT and VECPLANE_TLS_KEY too")
        return None
    if cert is None or key is None:
        raise StartupError("VECPLANE_TLS_CERT and VECPLANE_TLS_KEY: set both (the certificate chain and its private key) or neither")
    for setting, path in (("VECPLANE_TLS_CERT", cert), ("VECPLANE_TLS_KEY", key), ("VECPLANE_TLS_CLIENT_CA", client_ca)):
        if path is not None and not path.is_file():
            raise StartupError(f"{setting}: {path} is not a readable file")
    tls = ServerTls(cert, key, client_ca)
    try:
        tls.ssl_context()
    except (ssl.SSLError, OSError) as error:
        raise StartupError(f"VECPLANE_TLS_CERT / VECPLANE_TLS_KEY / VECPLANE_TLS_CLIENT_CA: not a usable certificate, key or CA in PEM ({error})") from None
    return tls
