import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  type IdGenerator,
  NodeTracerProvider,
  ParentBasedSampler,
  RandomIdGenerator,
  type Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { PrismaInstrumentation } from "@prisma/instrumentation";

// OpenTelemetry traces of one process (README "Traces"), off unless an OTLP endpoint is set:
// a span per REST request (its trace id taken from the HiAR `trace` header when that is a W3C
// trace id, so logs and traces share it), Prisma's spans for the database under it, and a span
// per webhook POST. Code that makes spans uses @opentelemetry/api only; without a provider
// started here its spans are no-ops.

export const TRACER_NAME = "@collab";

/** A W3C trace id: 32 lowercase hex digits, not all zero. */
const W3C_TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

/**
 * Trace ids from the request when it names one, random otherwise. The id is handed over
 * synchronously, just before the span that takes it is started (startRequestSpan).
 */
class RequestTraceIds implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  next: string | undefined;

  generateTraceId(): string {
    const wanted = this.next;
    this.next = undefined;
    return wanted ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#random.generateSpanId();
  }
}

/**
 * Everything a parent decides for its children; of the spans without one, Prisma's are dropped:
 * the workers query the database several times a second, and a trace per sweep is noise.
 * Their queries inside a webhook span or a request span are kept.
 */
const rootsButPrisma: Sampler = {
  shouldSample(_context, _traceId, spanName) {
    return {
      decision: spanName.startsWith("prisma:")
        ? SamplingDecision.NOT_RECORD
        : SamplingDecision.RECORD_AND_SAMPLED,
    };
  },
  toString: () => "RootsButPrisma",
};

export interface TracingOptions {
  /** `service.name` of the spans (OTEL_SERVICE_NAME, else the process's own name). */
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /**
   * OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT): spans are POSTed to `<endpoint>/v1/traces`
   * in batches. Headers (e.g. an API key) come from OTEL_EXPORTER_OTLP_HEADERS, which the
   * exporter reads itself.
   */
  readonly endpoint?: string;
  /** Instead of the endpoint: spans go to this exporter as each ends (tests). */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops; spans started afterwards are no-ops. */
  shutdown(): Promise<void>;
}

let ids: RequestTraceIds | undefined;

/**
 * Starts this process's tracing: the global tracer provider (with the async-hooks context
 * manager and W3C propagation) and Prisma's instrumentation. Call once, before the database is
 * opened; null when neither an endpoint nor an exporter is given (tracing stays off).
 */
export function startTracing(options: TracingOptions): Tracing | null {
  const exporter =
    options.exporter ??
    (options.endpoint === undefined
      ? undefined
      : new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces` }));
  if (exporter === undefined) return null;
  ids = new RequestTraceIds();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion === undefined
        ? {}
        : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
    }),
    idGenerator: ids,
    sampler: new ParentBasedSampler({
      root: rootsButPrisma,
      remoteParentSampled: new AlwaysOnSampler(),
    }),
    spanProcessors: [
      options.exporter === undefined
        ? new BatchSpanProcessor(exporter)
        : new SimpleSpanProcessor(exporter),
    ],
  });
  provider.register();
  const prisma = new PrismaInstrumentation();
  prisma.setTracerProvider(provider);
  prisma.enable();
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      prisma.disable();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      ids = undefined;
    },
  };
}

export interface RequestSpanInput {
  /** `{method} {route}`, e.g. `POST /session/invite`. */
  readonly name: string;
  /** The request's headers: a W3C `traceparent` makes the span its child. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The HiAR trace id of the request (sent or generated): the span's trace id when it can be. */
  readonly hiarTrace: string;
  readonly attributes?: Attributes;
}

/**
 * Runs `work` in a server span for one request, active for everything it awaits (the database's
 * spans become its children). The span's parent is the caller's `traceparent` if it sent one;
 * otherwise it is a root whose trace id is `hiarTrace` when that is a W3C trace id.
 */
export function inRequestSpan<T>(
  input: RequestSpanInput,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent: Context = propagation.extract(ROOT_CONTEXT, input.headers);
  const hasParent = trace.getSpanContext(parent) !== undefined;
  const lower = input.hiarTrace.toLowerCase();
  if (!hasParent && ids !== undefined && W3C_TRACE_ID.test(lower)) ids.next = lower;
  const span = tracer.startSpan(
    input.name,
    { kind: SpanKind.SERVER, attributes: { "hiar.trace": input.hiarTrace, ...input.attributes } },
    parent,
  );
  if (ids !== undefined) ids.next = undefined;
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
