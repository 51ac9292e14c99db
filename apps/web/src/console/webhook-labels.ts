import { describeZodError, SetWebhookRequest, type WebhookDelivery } from "@collab/contracts";
import type { StateLook } from "./labels";

// How the webhook screen names and colours delivery attempts, and checks a URL before sending.

export type WebhookOutcome = WebhookDelivery["outcome"];

export const WEBHOOK_OUTCOME_LOOK: Readonly<Record<WebhookOutcome, StateLook>> = {
  DELIVERED: { label: "Delivered", color: "green", hint: "The receiver answered 2xx" },
  FAILED: {
    label: "Failed",
    color: "orange",
    hint: "No 2xx answer in time; retried with backoff",
  },
  ABANDONED: {
    label: "Abandoned",
    color: "red",
    hint: "Still failing at the end of the retry window; not sent again",
  },
};

/** An outcome's look; an unknown name (a newer server) still renders. */
export function webhookOutcomeLook(outcome: string): StateLook {
  return (
    WEBHOOK_OUTCOME_LOOK[outcome as WebhookOutcome] ?? { label: outcome, color: "gray", hint: "" }
  );
}

/** "840 ms", "1.25 s", "12.3 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
}

/** How deliveries are retried, as this server is configured (WEBHOOK_TIMEOUT_SECONDS, …). */
export interface DeliveryPolicy {
  readonly timeoutMs: number;
  readonly maxAgeMs: number;
}

/**
 * A configured span in its largest unit, non-breaking: "5 s", "1.5 min", "24 h", "3 d" (days only
 * from 2, so the 24 h default reads as it is documented).
 */
export function durationLabel(ms: number): string {
  const units: readonly [size: number, unit: string, from: number][] = [
    [86_400_000, "d", 2 * 86_400_000],
    [3_600_000, "h", 3_600_000],
    [60_000, "min", 60_000],
    [1000, "s", 1000],
  ];
  for (const [size, unit, from] of units) {
    if (ms >= from) return `${Number((ms / size).toFixed(1))}\u00a0${unit}`;
  }
  return `${Math.max(0, Math.round(ms))}\u00a0ms`;
}

/** The colour of an HTTP status: 2xx green, 4xx/5xx like a failure, none dimmed. */
export function httpStatusColor(status: number | null): string {
  if (status === null) return "dimmed";
  // The theme's text shades, readable in both colour schemes.
  if (status >= 200 && status < 300) return "var(--mantine-color-green-text)";
  return `var(--mantine-color-${status >= 500 ? "red" : "orange"}-text)`;
}

/**
 * Checks a URL typed into the settings form with the contract webhook.set uses, before sending:
 * null when it passes, else the message the server would give ("url: must be an http(s) URL").
 * An empty value is refused here: removing the webhook has its own, confirmed, action.
 */
export function checkWebhookUrl(value: string): string | null {
  if (value.trim() === "") return "url: enter an http(s) URL (use Remove to turn the webhook off)";
  const result = SetWebhookRequest.safeParse({ url: value });
  return result.success ? null : describeZodError(result.error).message;
}

/** A session filter as typed: null when it is not a possible session id. */
export function checkSessionFilter(value: string): string | null {
  const id = value.trim();
  if (id.length > 64) return "A session id has at most 64 characters";
  return null;
}

/** The webhook screen's address for a session filter and a page cursor. */
export function webhookPageHref(filter: {
  session?: string | null;
  before?: string | null;
}): string {
  const params = new URLSearchParams();
  if (filter.session) params.set("session", filter.session);
  if (filter.before) params.set("before", filter.before);
  const query = params.toString();
  return query === "" ? "/console/webhook" : `/console/webhook?${query}`;
}
