import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | null = null;

/**
 * Starts OpenTelemetry for one service. Exporters come from the standard OTEL_* variables; with
 * none set nothing is exported (sdk-node would otherwise default to OTLP and log connection errors
 * on every machine without a collector). Tests pass their own span processors.
 */
export function startTelemetry(serviceName: string, spanProcessors?: SpanProcessor[]): void {
  if (sdk) return;
  for (const signal of ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER']) {
    if (!process.env[signal]) process.env[signal] = 'none';
  }
  sdk = new NodeSDK({ serviceName, instrumentations: [], ...(spanProcessors ? { spanProcessors } : {}) });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  const s = sdk;
  sdk = null;
  await s?.shutdown().catch(() => undefined);
}

export const tracer = () => trace.getTracer('clarion');

/** W3C trace-context headers of the active span, to carry a trace across Kafka and the outbox. */
export function currentTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    carrier[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return propagation.extract(context.active(), carrier);
}

/** Runs `work` in a span; the span ends with the promise and records a thrown error. */
export async function withSpan<T>(name: string, options: { parent?: Context; kind?: SpanKind; attributes?: Record<string, string | number | boolean> }, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

export { SpanKind };
