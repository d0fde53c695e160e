// OpenTelemetry traces, off by default (TRACES_EXPORTER). With a provider registered, one trace
// runs from the HTTP request that creates a run, through its pg-boss job (pg-boss stores the
// trace context on the job when it is sent and continues it where the job is processed), to a
// span per rendered frame. Without one, the API's tracer is a no-op and nothing is recorded.
import { context, propagation, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from '@latent-lab/config';
import type { NextFunction, Request, Response } from 'express';

export const tracer = trace.getTracer('latent-lab');

/** Registers the global tracer provider when an exporter is configured; returns its shutdown. */
export function startTracing(settings: TracingSettings): () => Promise<void> {
  if (settings.exporter === 'none') return () => Promise.resolve();
  const exporter: SpanExporter =
    settings.exporter === 'console'
      ? new ConsoleSpanExporter()
      : new OTLPTraceExporter({ url: settings.otlpUrl });
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  return () => provider.shutdown();
}

/**
 * A SERVER span per HTTP request, continuing a caller's `traceparent`, active while the request
 * is handled, so GraphQL resolvers and the job they send belong to it.
 */
export function traceRequests(request: Request, response: Response, next: NextFunction): void {
  const parent = propagation.extract(context.active(), request.headers);
  const span = tracer.startSpan(`${request.method} ${request.path}`, { kind: 1 }, parent);
  response.once('finish', () => {
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}

/** Runs work in a child span of the active one, ending it (with the error, if any) when done. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
