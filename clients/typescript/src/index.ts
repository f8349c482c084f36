/**
 * A small, typed client for vecplane's gRPC API.
 *
 * The message types and service descriptors under `./gen` are generated from `protos/` by
 * protoc-gen-es (never edit them); this file only wires them to Connect's gRPC transport over
 * HTTP/2, adds the `authorization` and `x-namespace` headers, and decodes the `google.rpc` details
 * that every vecplane error carries.
 */

import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Client, Interceptor, Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type * as http2 from "node:http2";

import { BadRequestSchema, ErrorInfoSchema, ResourceInfoSchema } from "./gen/google/rpc/error_details_pb.js";
import { AdminService } from "./gen/vecplane/v1/admin_pb.js";
import { BatchService } from "./gen/vecplane/v1/batch_pb.js";
import { BucketService } from "./gen/vecplane/v1/bucket_pb.js";
import { CollectionService } from "./gen/vecplane/v1/collection_pb.js";
import { DocumentService } from "./gen/vecplane/v1/document_pb.js";
import { FeatureExtractorService } from "./gen/vecplane/v1/feature_extractor_pb.js";
import { NamespaceService } from "./gen/vecplane/v1/namespace_pb.js";
import { RetrieverService } from "./gen/vecplane/v1/retriever_pb.js";
import { TaskService } from "./gen/vecplane/v1/task_pb.js";

export * from "./gen/vecplane/v1/admin_pb.js";
export * from "./gen/vecplane/v1/batch_pb.js";
export * from "./gen/vecplane/v1/bucket_pb.js";
export * from "./gen/vecplane/v1/collection_pb.js";
export * from "./gen/vecplane/v1/document_pb.js";
export * from "./gen/vecplane/v1/error_reason_pb.js";
export * from "./gen/vecplane/v1/feature_extractor_pb.js";
export * from "./gen/vecplane/v1/filter_pb.js";
export * from "./gen/vecplane/v1/indexes_pb.js";
export * from "./gen/vecplane/v1/list_pb.js";
export * from "./gen/vecplane/v1/namespace_pb.js";
export * from "./gen/vecplane/v1/options_pb.js";
export * from "./gen/vecplane/v1/retriever_pb.js";
export * from "./gen/vecplane/v1/task_pb.js";
// schema.proto's message BucketSchema clashes with bucket.proto's descriptor of Bucket, which
// protoc-gen-es names `BucketSchema` too: the descriptor keeps the name (the usual `<Message>Schema`
// convention) and the message type is re-exported as `BucketSchemaMessage`.
export {
  BucketSchemaSchema,
  FieldType,
  FieldTypeSchema,
  file_vecplane_v1_schema,
  SchemaFieldSchema,
} from "./gen/vecplane/v1/schema_pb.js";
export type { BucketSchema as BucketSchemaMessage, SchemaField } from "./gen/vecplane/v1/schema_pb.js";
export { Code, ConnectError } from "@connectrpc/connect";
export { create, fromJson, toJson } from "@bufbuild/protobuf";

/** The default deadline of a call, in milliseconds, when neither the client nor the call sets one. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface VecplaneClientOptions {
  /**
   * Where the server listens: `http://host:50051` for plaintext HTTP/2 (h2c), `https://host:443`
   * for TLS.
   */
  baseUrl: string;
  /** An API key (`sk_...`), sent as `authorization: Bearer <key>` on every call. */
  apiKey?: string;
  /**
   * The namespace (ID or name) for the calls that act in one (`x-namespace`): buckets and objects,
   * collections, documents, retrievers, tasks and batches.
   */
  namespace?: string;
  /** The deadline of each call unless the call passes its own `timeoutMs`. Default 30 s. */
  timeoutMs?: number;
  /**
   * Options for Node's `http2.connect()`, e.g. `{ ca: fs.readFileSync("ca.pem") }` to trust a
   * private certificate authority with `https://` URLs.
   */
  nodeOptions?: http2.ClientSessionOptions | http2.SecureClientSessionOptions;
  /** Extra Connect interceptors (logging, tracing...), run for every call. */
  interceptors?: Interceptor[];
}

/** One typed client per vecplane service, over one shared HTTP/2 connection. */
export interface VecplaneClient {
  readonly namespaces: Client<typeof NamespaceService>;
  readonly buckets: Client<typeof BucketService>;
  readonly collections: Client<typeof CollectionService>;
  readonly documents: Client<typeof DocumentService>;
  readonly retrievers: Client<typeof RetrieverService>;
  /** Collection triggers and their tasks. */
  readonly tasks: Client<typeof TaskService>;
  readonly batches: Client<typeof BatchService>;
  readonly extractors: Client<typeof FeatureExtractorService>;
  readonly admin: Client<typeof AdminService>;
  /** The same client (same connection and key) acting in another namespace. */
  withNamespace(namespace: string): VecplaneClient;
  /** Closes the HTTP/2 connection; calls made afterwards open a new one. */
  close(): void;
}

/**
 * Creates a client.
 *
 * ```ts
 * const client = createVecplaneClient({ baseUrl: "http://localhost:50051", apiKey: process.env.VECPLANE_API_KEY });
 * const { namespace } = await client.namespaces.createNamespace({
 *   namespaceName: "catalog",
 *   featureExtractors: [{ featureExtractorName: "text_extractor", version: "v1" }],
 * });
 * ```
 */
export function createVecplaneClient(options: VecplaneClientOptions): VecplaneClient {
  const sessionManager = new Http2SessionManager(options.baseUrl, undefined, options.nodeOptions);
  const transport = createGrpcTransport({
    baseUrl: options.baseUrl,
    sessionManager,
    defaultTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    interceptors: options.interceptors,
  });
  const headers: Record<string, string> = {};
  if (options.apiKey) headers["authorization"] = `Bearer ${options.apiKey}`;
  return view(transport, sessionManager, headers, options.namespace);
}

function view(
  transport: Transport,
  sessionManager: Http2SessionManager,
  headers: Record<string, string>,
  namespace: string | undefined,
): VecplaneClient {
  const fixed = namespace === undefined ? headers : { ...headers, "x-namespace": namespace };
  const scoped = withDefaultHeaders(transport, fixed);
  return {
    namespaces: createClient(NamespaceService, scoped),
    buckets: createClient(BucketService, scoped),
    collections: createClient(CollectionService, scoped),
    documents: createClient(DocumentService, scoped),
    retrievers: createClient(RetrieverService, scoped),
    tasks: createClient(TaskService, scoped),
    batches: createClient(BatchService, scoped),
    extractors: createClient(FeatureExtractorService, scoped),
    admin: createClient(AdminService, scoped),
    withNamespace: (other: string) => view(transport, sessionManager, headers, other),
    close: () => sessionManager.abort(),
  };
}

/** A transport that adds headers a call did not set itself (so a call's own headers win). */
function withDefaultHeaders(transport: Transport, defaults: Record<string, string>): Transport {
  const merge = (header: ConstructorParameters<typeof Headers>[0]): Headers => {
    const merged = new Headers(header);
    for (const [name, value] of Object.entries(defaults)) {
      if (!merged.has(name)) merged.set(name, value);
    }
    return merged;
  };
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.unary(method, signal, timeoutMs, merge(header), input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      transport.stream(method, signal, timeoutMs, merge(header), input, contextValues),
  };
}

/** One problem with one request field (google.rpc.BadRequest.FieldViolation). */
export interface FieldViolation {
  field: string;
  description: string;
}

/** What a vecplane error says, with its google.rpc details decoded. */
export interface VecplaneErrorDetails {
  /** The gRPC status code. */
  code: Code;
  /** The code's canonical name, e.g. `INVALID_ARGUMENT`. */
  codeName: string;
  /** The server's message, without Connect's `[code]` prefix. */
  message: string;
  /** google.rpc.ErrorInfo.reason, e.g. `NAMESPACE_NOT_FOUND`. */
  reason?: string;
  /** google.rpc.ErrorInfo.domain (`vecplane`). */
  domain?: string;
  /** google.rpc.ErrorInfo.metadata. */
  metadata: Record<string, string>;
  /** google.rpc.BadRequest field violations, in the server's order. */
  fieldViolations: FieldViolation[];
  /** The same violations by field (the last one wins when a field has several). */
  violations: Record<string, string>;
  /** google.rpc.ResourceInfo, on NOT_FOUND and ALREADY_EXISTS. */
  resource?: { resourceType: string; resourceName: string; description: string };
  /** The server's id for the call (`x-request-id`), to quote when reporting a problem. */
  correlationId?: string;
}

/** The canonical upper-case name of a status code (`Code.NotFound` -> `NOT_FOUND`). */
export function codeName(code: Code): string {
  return (Code[code] ?? "UNKNOWN").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * Decodes a failed call's status and google.rpc details. Accepts anything a call can throw
 * (`ConnectError.from` turns other errors into `UNKNOWN`/`INTERNAL`).
 */
export function errorDetails(error: unknown): VecplaneErrorDetails {
  const failure = ConnectError.from(error);
  const [info] = failure.findDetails(ErrorInfoSchema);
  const fieldViolations = failure
    .findDetails(BadRequestSchema)
    .flatMap((bad) => bad.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
  const [resource] = failure.findDetails(ResourceInfoSchema);
  return {
    code: failure.code,
    codeName: codeName(failure.code),
    message: failure.rawMessage,
    reason: info?.reason,
    domain: info?.domain,
    metadata: { ...(info?.metadata ?? {}) },
    fieldViolations,
    violations: Object.fromEntries(fieldViolations.map((v) => [v.field, v.description])),
    resource: resource && {
      resourceType: resource.resourceType,
      resourceName: resource.resourceName,
      description: resource.description,
    },
    correlationId: failure.metadata.get("x-request-id") ?? info?.metadata["correlation_id"],
  };
}
