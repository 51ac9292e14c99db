import { context, SpanKind, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InMemorySpanExporter, inRequestSpan, startTracing, type Tracing } from "./index";

const exporter = new InMemorySpanExporter();
let tracing: Tracing | null;

beforeAll(() => {
  tracing = startTracing({ serviceName: "tracing-test", exporter });
});
afterAll(async () => {
  await tracing?.shutdown();
});
beforeEach(() => exporter.reset());

const ok = async () => "done";

describe("startTracing", () => {
  it("stays off without an endpoint or an exporter", () => {
    expect(startTracing({ serviceName: "off" })).toBeNull();
  });
});

describe("inRequestSpan", () => {
  it("takes a W3C-shaped HiAR trace id as the span's trace id, and names the span", async () => {
    const hiarTrace = "4BF92F3577B34DA6A3CE929D0E0E4736";
    expect(await inRequestSpan({ name: "POST /session/invite", headers: {}, hiarTrace }, ok)).toBe(
      "done",
    );
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe("POST /session/invite");
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe(hiarTrace.toLowerCase());
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes["hiar.trace"]).toBe(hiarTrace);
  });

  it("keeps any other HiAR trace as an attribute, under a fresh trace id", async () => {
    await inRequestSpan({ name: "POST /create", headers: {}, hiarTrace: "order-42" }, ok);
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span?.attributes["hiar.trace"]).toBe("order-42");
  });

  it("is the child of the caller's traceparent when it sends one", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await inRequestSpan(
      {
        name: "POST /create",
        headers: { traceparent },
        hiarTrace: "4bf92f3577b34da6a3ce929d0e0e4736",
      },
      ok,
    );
    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(span?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
  });

  it("is active for what the work awaits, and records a thrown error", async () => {
    let inner: string | undefined;
    await expect(
      inRequestSpan({ name: "POST /create", headers: {}, hiarTrace: "x" }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        inner = trace.getSpan(context.active())?.spanContext().spanId;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [span] = exporter.getFinishedSpans();
    expect(inner).toBe(span?.spanContext().spanId);
    expect(span?.status.code).toBe(2);
    expect(span?.events.map((e) => e.name)).toContain("exception");
  });

  it("drops Prisma's spans without a parent (the workers' polling), keeps other roots", async () => {
    const tracer = trace.getTracer("test");
    tracer.startSpan("prisma:client:operation").end();
    tracer.startSpan("webhook POST").end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["webhook POST"]);
  });
});
