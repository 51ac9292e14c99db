// @collab/tracing: OpenTelemetry traces for the server and the worker, off unless an OTLP
// endpoint is set (README "Traces").

export { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
export {
  inRequestSpan,
  type RequestSpanInput,
  startTracing,
  TRACER_NAME,
  type Tracing,
  type TracingOptions,
} from "./tracing";
