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
  ProcessingStatus,
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

/** Reads until `done` holds for the answer, polling within a deadline. */
async function until<T>(read: () => Promise<T>, done: (answer: T) => boolean, seconds = 120): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const answer = await read();
    if (done(answer)) return answer;
    if (Date.now() >= deadline) {
      const shown = JSON.stringify(answer, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
      assert.fail(`not done within ${seconds} s: ${shown}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("objects processed by a trigger and a batch, then found by a retriever", async () => {
  const texts = [
    "Qdrant stores vectors and searches them.",
    "MongoDB stores the metadata of every resource.",
    "Simmer the tomato sauce slowly with garlic and basil.",
    "The telescope photographed a distant spiral galaxy.",
  ];
  const minilm = { featureExtractorName: "minilm_text_extractor", version: "v1" };
  const { namespace } = await client.namespaces.createNamespace({ namespaceName: "notes", featureExtractors: [minilm] });
  assert.ok(namespace);
  const notes = client.withNamespace(namespace.namespaceId);
  const { bucket } = await notes.buckets.createBucket({
    bucketName: "notes",
    bucketSchema: { properties: { content: { type: FieldType.TEXT } } },
  });
  assert.ok(bucket);
  const made = await notes.buckets.createObjects({
    bucketId: bucket.bucketId,
    objects: texts.map((text) => ({
      blobs: [{ property: "content", type: FieldType.TEXT, data: { kind: { case: "stringValue", value: text } } }],
    })),
  });
  const objectIds = made.succeeded.map((o) => o.objectId);
  assert.equal(objectIds.length, texts.length);
  const { collection } = await notes.collections.createCollection({
    collectionName: "notes-minilm",
    source: { type: SourceType.BUCKET, bucketId: bucket.bucketId },
    featureExtractors: [{ ...minilm, inputMapping: { text: "content" } }],
  });
  assert.ok(collection);

  // tasks: a collection trigger, followed to its end
  const finished = [ProcessingStatus.COMPLETED, ProcessingStatus.COMPLETED_WITH_ERRORS, ProcessingStatus.FAILED];
  const { taskId } = await notes.tasks.triggerCollection({ collectionId: collection.collectionId });
  const task = await until(() => notes.tasks.getTask({ taskId }), (answer) => finished.includes(answer.task!.status));
  assert.equal(task.task?.status, ProcessingStatus.COMPLETED, task.task?.error);

  // documents
  const listed = await notes.documents.listDocuments({ collectionId: collection.collectionId, limit: 10 });
  assert.deepEqual(listed.results.map((d) => d.text).sort(), [...texts].sort());
  const { count } = await notes.documents.countDocuments({ collectionId: collection.collectionId });
  assert.equal(count, BigInt(texts.length));

  // batches: a draft, submitted, followed to its end
  const { batch } = await notes.batches.createBatch({ bucketId: bucket.bucketId, objectIds: objectIds.slice(0, 2) });
  assert.equal(batch?.status, ProcessingStatus.DRAFT);
  await notes.batches.submitBatch({ bucketId: bucket.bucketId, batchId: batch!.batchId });
  const done = await until(
    () => notes.batches.getBatch({ bucketId: bucket.bucketId, batchId: batch!.batchId }),
    (answer) => finished.includes(answer.batch!.status),
  );
  assert.equal(done.batch?.status, ProcessingStatus.COMPLETED);
  assert.deepEqual((await notes.batches.listBatches({ bucketId: bucket.bucketId })).results.map((b) => b.batchId), [batch!.batchId]);

  // retrievers: create, get, list, update, execute (then from the cache), delete
  const searchStage = (finalTopK: number) => ({
    stageName: "search",
    config: {
      stageId: "feature_search",
      parameters: {
        searches: [{ feature_uri: "mixpeek://minilm_text_extractor@v1/all_minilm_l6_v2", query: { input_mode: "text", value: "{{INPUT.query}}" } }],
        final_top_k: finalTopK,
      },
    },
  });
  const { retriever } = await notes.retrievers.createRetriever({
    retrieverName: "notes-search",
    collectionIdentifiers: ["notes-minilm"],
    stages: [searchStage(2)],
    inputSchema: { query: { type: "text", required: true } },
  });
  assert.ok(retriever);
  assert.match(retriever.retrieverId, /^ret_/);
  assert.deepEqual(retriever.collectionIds, [collection.collectionId]);
  const byName = await notes.retrievers.getRetriever({ retrieverId: "notes-search" });
  assert.equal(byName.retriever?.retrieverId, retriever.retrieverId);
  const all = await notes.retrievers.listRetrievers({});
  assert.deepEqual(all.results.map((r) => r.retrieverId), [retriever.retrieverId]);
  const updated = await notes.retrievers.updateRetriever({ retrieverId: retriever.retrieverId, description: "notes" });
  assert.equal(updated.retriever?.version, 2);

  const request = { retrieverId: retriever.retrieverId, inputs: { query: texts[2] } };
  const first = await notes.retrievers.executeRetriever(request);
  assert.equal(first.execution?.documents.length, 2);
  assert.equal(first.execution?.documents[0].text, texts[2]);
  assert.equal(first.execution?.cacheHit, false);
  const again = await notes.retrievers.executeRetriever(request);
  assert.equal(again.execution?.cacheHit, true);
  assert.deepEqual(again.execution?.documents, first.execution?.documents);

  await assert.rejects(
    notes.retrievers.createRetriever({ retrieverName: "too-many", collectionIdentifiers: ["notes-minilm"], stages: [searchStage(5001)] }),
    (error: unknown) => {
      const details = errorDetails(error);
      assert.equal(details.code, Code.InvalidArgument);
      assert.ok(details.violations["stages[0].config.parameters.final_top_k"], JSON.stringify(details.fieldViolations));
      return true;
    },
  );
  const deleted = await notes.retrievers.deleteRetriever({ retrieverId: retriever.retrieverId });
  assert.equal(deleted.success, true);
  await assert.rejects(notes.retrievers.executeRetriever(request), (error: unknown) => {
    assert.equal(errorDetails(error).reason, "RETRIEVER_NOT_FOUND");
    return true;
  });
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
