// @collab/metrics: the Prometheus metrics one process keeps (prom-client) and the GET /metrics
// endpoint, on the server's port or one of its own. the README's "Metrics" lists them.

export {
  bearerMatches,
  METRICS_PATH,
  type MetricsServer,
  serveMetrics,
  startMetricsServer,
} from "./endpoint";
export {
  type Backlog,
  createMetrics,
  type Metrics,
  OK_REASON,
  type PoolStats,
  UNKNOWN_OPERATION,
  type WebhookAttemptOutcome,
} from "./metrics";
