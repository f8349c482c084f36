/**
 * The generated TypeScript client against a running vecplane server: run by tests/clients/
 * test_typescript.py (which starts the server and passes VECPLANE_URL and VECPLANE_ADMIN_KEY), or by
 * hand with `npm test` against any server.
 */

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  Code,
  createVecplaneClient,
  errorDetails,
  FieldType,
  ReconfigureStatus,
  SourceType,
  type VecplaneClient,
} from "../src/index.js";

const baseUrl = process.env.VECPLANE_URL ?? "http://127.0.0.1:50051";
const adminKey = process.env.VECPLANE_ADMIN_KEY;

let admin: VecplaneClient;
let client: VecplaneClient;
const run = `ts-${process.pid}-${Date.now()}`;

before(async () => {
  assert.ok(adminKey, "set VECPLANE_ADMIN_KEY to an admin key of the server at VECPLANE_URL");
  admin = createVecplaneClient({ baseUrl, apiKey: adminKey });
  // A fresh organization with its own key, so the flow never sees anyone else's namespaces.
  const { organization } = await admin.admin.createOrganization({ organizationName: run });
  assert.ok(organization);
  assert.match(organization.organizationId, /^org_/);
  const key = await admin.admin.createApiKey({ organizationId: organization.organizationId, keyName: "ts-flow" });
  assert.match(key.secret, /^sk_/);
  client = createVecplaneClient({ baseUrl, apiKey: key.secret, timeoutMs: 20_000 });
});

after(() => {
  client?.close();
  admin?.close();
});

test("namespace, bucket with a schema, collection and reconfigure", async () => {
  const { namespace } = await client.namespaces.createNamespace({
    namespaceName: "catalog",
    description: "created by the TypeScript client test",
    featureExtractors: [{ featureExtractorName: "text_extractor", version: "v1" }],
  });
  assert.ok(namespace);
  assert.match(namespace.namespaceId, /^ns_[A-Za-z0-9]{10}$/);
  assert.deepEqual(
    namespace.vectorIndexes.map((v) => [v.name, v.index?.dimensions]),
    [["multilingual_e5_large_instruct_v1", 1024]],
  );
  const byName = await client.namespaces.getNamespace({ namespaceId: "catalog" });
  assert.equal(byName.namespace?.namespaceId, namespace.namespaceId);

  const scoped = client.withNamespace(namespace.namespaceId);
  const { bucket } = await scoped.buckets.createBucket({
    bucketName: "products",
    bucketSchema: {
      properties: {
        title: { type: FieldType.STRING, required: true },
        content: { type: FieldType.TEXT },
      },
    },
  });
  assert.ok(bucket);
  assert.match(bucket.bucketId, /^bkt_/);
  assert.equal(bucket.namespaceId, namespace.namespaceId);
  assert.deepEqual(Object.keys(bucket.bucketSchema?.properties ?? {}).sort(), ["content", "title"]);

  const { collection } = await scoped.collections.createCollection({
    collectionName: "product-texts",
    source: { type: SourceType.BUCKET, bucketId: "products" },
    featureExtractors: [{ featureExtractorName: "text_extractor", version: "v1", inputMapping: { text: "content" } }],
  });
  assert.ok(collection);
  assert.match(collection.collectionId, /^col_/);
  assert.equal(collection.source?.bucketId, bucket.bucketId);
  assert.deepEqual(collection.vectorIndexes.map((v) => v.name), ["multilingual_e5_large_instruct_v1"]);
  assert.deepEqual(collection.sourceLineage.map((entry) => entry.sourceType), [SourceType.BUCKET]);

  // Enabling the fashionsiglip plugin (registered by the test server) declares a new vector, which
  // Reconfigure then adds to the live vector store.
  const updated = await client.namespaces.updateNamespace({
    namespaceId: namespace.namespaceId,
    featureExtractors: [
      { featureExtractorName: "text_extractor", version: "v1" },
      { featureExtractorName: "fashionsiglip", version: "v1" },
    ],
    updateMask: { paths: ["feature_extractors"] },
  });
  assert.deepEqual(
    updated.namespace?.featureExtractors.map((e) => e.featureExtractorName),
    ["text_extractor", "fashionsiglip"],
  );

  const first = await client.namespaces.reconfigure({ namespaceId: namespace.namespaceId, confirm: true });
  assert.equal(first.status, ReconfigureStatus.RECONFIGURED);
  assert.deepEqual(first.vectorsAdded, ["fashionsiglip_v1_embedding"]);
  assert.deepEqual([...first.vectorsTotal].sort(), ["fashionsiglip_v1_embedding", "multilingual_e5_large_instruct_v1"]);
  const again = await client.namespaces.reconfigure({ namespaceId: namespace.namespaceId, confirm: true });
  assert.equal(again.status, ReconfigureStatus.NO_CHANGES_NEEDED);
  assert.deepEqual(again.vectorsAdded, []);
});

test("the catalogue lists the built-in extractors and the test plugin", async () => {
  const { results } = await client.extractors.listFeatureExtractors({});
  const ids = results.map((r) => r.featureExtractorId);
  assert.ok(ids.includes("text_extractor_v1"), ids.join(", "));
  assert.ok(ids.includes("fashionsiglip_v1"), ids.join(", "));
});

test("an invalid request is INVALID_ARGUMENT with field violations", async () => {
  await assert.rejects(
    client.namespaces.createNamespace({ namespaceName: "x", featureExtractors: [] }),
    (error: unknown) => {
      const details = errorDetails(error);
      assert.equal(details.code, Code.InvalidArgument);
      assert.equal(details.codeName, "INVALID_ARGUMENT");
      assert.equal(details.domain, "vecplane");
      assert.ok(details.violations["namespace_name"], JSON.stringify(details.fieldViolations));
      assert.ok(details.violations["feature_extractors"], JSON.stringify(details.fieldViolations));
      assert.ok(details.correlationId);
      return true;
    },
  );
});

test("an unknown namespace is NOT_FOUND with resource info", async () => {
  await assert.rejects(client.namespaces.getNamespace({ namespaceId: "no-such-namespace" }), (error: unknown) => {
    const details = errorDetails(error);
    assert.equal(details.codeName, "NOT_FOUND");
    assert.equal(details.reason, "NAMESPACE_NOT_FOUND");
    assert.deepEqual(details.resource && [details.resource.resourceType, details.resource.resourceName], [
      "namespace",
      "no-such-namespace",
    ]);
    return true;
  });
});

test("a call without a key is UNAUTHENTICATED", async () => {
  const anonymous = createVecplaneClient({ baseUrl });
  try {
    await assert.rejects(anonymous.namespaces.listNamespaces({}), (error: unknown) => {
      assert.equal(errorDetails(error).codeName, "UNAUTHENTICATED");
      return true;
    });
  } finally {
    anonymous.close();
  }
});
