"""A protoc plugin that runs grpcio-tools' built-in gRPC Python generator.

grpcio-tools embeds the generator in its protoc rather than shipping a `protoc-gen-grpc_python`
binary, so buf cannot call it directly. This adapter takes buf's CodeGeneratorRequest, hands the
descriptors to grpcio-tools' protoc and returns what it wrote.
"""

import pathlib
import sys
import tempfile

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc


def main() -> None:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    response = plugin_pb2.CodeGeneratorResponse(
        supported_features=plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        descriptors = root / "descriptors.pb"
        descriptors.write_bytes(
            descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString()
        )
        out = root / "out"
        out.mkdir()
        args = [
            "protoc",
            f"--descriptor_set_in={descriptors}",
            f"--grpc_python_out={request.parameter + ':' if request.parameter else ''}{out}",
            *request.file_to_generate,
        ]
        if protoc.main(args) != 0:
            response.error = "grpcio-tools protoc failed: " + " ".join(args)
        else:
            for path in sorted(out.rglob("*.py")):
                response.file.add(name=str(path.relative_to(out)), content=path.read_text())
    sys.stdout.buffer.write(response.SerializeToString())


if __name__ == "__main__":
    main()
