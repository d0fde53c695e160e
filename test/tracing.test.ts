// One trace from the createRun request to every frame: with the real OpenTelemetry SDK registered
// (an in-memory exporter), the HTTP request's span, pg-boss's send span of the run's job and a
// span per stored frame share one trace id.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import {
  createRun,
  startTestServer,
  uploadPhotos,
  watchRun,
  type TestServer,
} from './helpers/api.ts';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let testServer: TestServer;

before(async () => {
  provider.register();
  testServer = await startTestServer({ name: 'tracing', workerInProcess: true });
});

after(async () => {
  await testServer?.close();
  await provider.shutdown();
});

test('the createRun request, its job and each frame are one trace', async () => {
  const url = testServer.server.url;
  const imageIds = await uploadPhotos(url, ['astronaut', 'coffee']);
  exporter.reset();
  const steps = 3;
  const input = { model: 'taef2', imageIds, steps, width: 64, height: 64, seed: 21 };
  const run = await createRun(url, input);
  const events = await watchRun(url, run.id);
  assert.equal(events.at(-1)?.status, 'SUCCEEDED');

  const spans = exporter.getFinishedSpans();
  const frames = spans.filter(
    (span) =>
      span.name === 'render frame' && span.attributes['latent_lab.run_id'] === (run.id as string),
  );
  assert.deepEqual(
    frames.map((span) => span.attributes['latent_lab.frame_index']).sort(),
    [0, 1, 2],
    'a span per frame',
  );
  const traceIds = new Set(frames.map((span) => span.spanContext().traceId));
  assert.equal(traceIds.size, 1, 'every frame is in one trace');
  const [traceId] = traceIds;
  const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
  const names = inTrace.map((span) => span.name);
  assert.ok(names.includes('POST /graphql'), `the createRun request is the root: ${names}`);
  assert.ok(names.includes('send render-run'), `pg-boss's send is in it: ${names}`);
  // The worker's handler runs from pg-boss's polling loop, not from the request: the frames can be
  // in this trace only through the context stored on the job. (pg-boss's `process` span ends after
  // the handler returns, later than the SUCCEEDED status this test waited for.)
  const root = inTrace.find((span) => span.name === 'POST /graphql')!;
  assert.equal(root.parentSpanContext, undefined, 'the request span starts the trace');
});
