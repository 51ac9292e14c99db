import { afterEach, describe, expect, it } from "vitest";
import { bearerMatches, type MetricsServer, startMetricsServer } from "./endpoint";
import { type Backlog, createMetrics } from "./metrics";

const BACKLOG: Backlog = {
  ringing: 7,
  overdue: 2,
  overdueOldestSeconds: 1.5,
  webhookPendingEvents: 40,
  webhookPendingStreams: 3,
  webhookOldestDueSeconds: 12,
};

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): string | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line?.slice(series.length + 1);
}

describe("createMetrics", () => {
  it("counts REST requests by operation, status and reason, with their durations", async () => {
    const metrics = createMetrics();
    metrics.observeRequest({
      operation: "/session/invite",
      status: 200,
      reason: "OK",
      seconds: 0.02,
    });
    metrics.observeRequest({
      operation: "/session/invite",
      status: 200,
      reason: "OK",
      seconds: 0.03,
    });
    metrics.observeRequest({
      operation: "unknown",
      status: 404,
      reason: "NOT_FOUND",
      seconds: 0.001,
    });
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'collab_requests_total{operation="/session/invite",status="200",reason="OK"}'),
    ).toBe("2");
    expect(
      sample(text, 'collab_requests_total{operation="unknown",status="404",reason="NOT_FOUND"}'),
    ).toBe("1");
    expect(sample(text, 'collab_request_duration_seconds_count{operation="/session/invite"}')).toBe(
      "2",
    );
    expect(
      sample(
        text,
        'collab_request_duration_seconds_bucket{le="0.025",operation="/session/invite"}',
      ),
    ).toBe("1");
    // Node.js's own process metrics come along.
    expect(text).toContain("process_cpu_user_seconds_total");
  });

  it("counts REST requests let through unchecked by an unreachable rate-limit store", async () => {
    const metrics = createMetrics();
    expect(sample(await metrics.registry.metrics(), "collab_rate_limit_unchecked_total")).toBe("0");
    metrics.observeRateLimitUnchecked();
    metrics.observeRateLimitUnchecked();
    expect(sample(await metrics.registry.metrics(), "collab_rate_limit_unchecked_total")).toBe("2");
  });

  it("records each timed-out ring's lateness and each webhook attempt's outcome", async () => {
    const metrics = createMetrics();
    metrics.observeSweep({ seconds: 0.004, lateSeconds: [0.02, 0.3, 4] });
    metrics.observeSweep({ seconds: 0.002, lateSeconds: [] });
    metrics.observeWebhookAttempt({ outcome: "failed", seconds: 5 });
    metrics.observeWebhookAttempt({ outcome: "delivered", seconds: 0.05, delaySeconds: 9 });
    const text = await metrics.registry.metrics();
    expect(sample(text, "collab_ring_clock_timeouts_total")).toBe("3");
    expect(sample(text, "collab_ring_clock_sweep_duration_seconds_count")).toBe("2");
    expect(sample(text, 'collab_ring_clock_lateness_seconds_bucket{le="0.5"}')).toBe("2");
    expect(sample(text, 'collab_webhook_attempts_total{outcome="failed"}')).toBe("1");
    expect(sample(text, 'collab_webhook_attempts_total{outcome="delivered"}')).toBe("1");
    expect(sample(text, "collab_webhook_delivery_delay_seconds_count")).toBe("1");
  });

  it("reads pools, live streams and the backlog at scrape time, the backlog once a second", async () => {
    const metrics = createMetrics();
    let streams = 3;
    metrics.trackPool(() => ({ total: 6, idle: 2, waiting: 5, max: 10 }));
    metrics.trackLiveStreams(() => streams);
    let reads = 0;
    metrics.trackBacklog(async () => {
      reads++;
      return BACKLOG;
    });
    const first = await metrics.registry.metrics();
    expect(sample(first, 'collab_db_pool_connections{state="in_use"}')).toBe("4");
    expect(sample(first, 'collab_db_pool_connections{state="waiting"}')).toBe("5");
    expect(sample(first, "collab_db_pool_max")).toBe("10");
    expect(sample(first, "collab_live_streams")).toBe("3");
    expect(sample(first, "collab_rings_overdue")).toBe("2");
    expect(sample(first, "collab_webhook_pending_events")).toBe("40");
    streams = 1;
    const second = await metrics.registry.metrics();
    expect(sample(second, "collab_live_streams")).toBe("1");
    // Six backlog gauges, two scrapes: one read.
    expect(reads).toBe(1);
  });

  it("reports NaN, not a stale number, while the backlog cannot be read", async () => {
    const metrics = createMetrics();
    metrics.trackBacklog(() => Promise.reject(new Error("connection refused")));
    const text = await metrics.registry.metrics();
    // prom-client writes "Nan"; Prometheus parses NaN in any case.
    expect(sample(text, "collab_rings_overdue")?.toLowerCase()).toBe("nan");
  });
});

describe("the endpoint", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves /metrics alone on its own port, behind the bearer token when one is set", async () => {
    const metrics = createMetrics();
    server = await startMetricsServer({
      registry: metrics.registry,
      port: 0,
      host: "127.0.0.1",
      token: "s3cret-metrics-token",
    });
    const base = `http://127.0.0.1:${server.address.port}`;
    const refused = await fetch(`${base}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await fetch(`${base}/metrics`, {
      headers: { authorization: "Bearer s3cret-metrics-tokeN" },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${base}/metrics`, {
      headers: { authorization: "Bearer s3cret-metrics-token" },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    expect(await ok.text()).toContain("collab_requests_total");
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("matches the bearer scheme only, never an empty token", () => {
    expect(bearerMatches("Bearer abc", "abc")).toBe(true);
    expect(bearerMatches("bearer abc", "abc")).toBe(true);
    expect(bearerMatches("Basic abc", "abc")).toBe(false);
    expect(bearerMatches(undefined, "abc")).toBe(false);
    expect(bearerMatches("Bearer ", "")).toBe(false);
  });
});
