import {
  describeZodError,
  MAX_WEBHOOK_URL_LENGTH,
  SetWebhookRequest,
  unstorableReason,
  WEBHOOK_OUTCOMES,
  type WebhookDelivery,
} from "@collab/contracts";

// How the webhook screen colours delivery attempts, puts durations into words and checks a URL
// before sending. The words come from the message catalogues ("webhook", "units").

export type WebhookOutcome = WebhookDelivery["outcome"];

const WEBHOOK_OUTCOME_COLOR: Readonly<Record<WebhookOutcome, string>> = {
  DELIVERED: "green",
  FAILED: "orange",
  ABANDONED: "red",
};

export function isWebhookOutcome(outcome: string): outcome is WebhookOutcome {
  return (WEBHOOK_OUTCOMES as readonly string[]).includes(outcome);
}

/** An outcome's colour; an unknown name (a newer server) is grey. */
export function webhookOutcomeColor(outcome: string): string {
  return isWebhookOutcome(outcome) ? WEBHOOK_OUTCOME_COLOR[outcome] : "gray";
}

/** The units durations are written in (the catalogue's "units.<unit>", "{n} s"). */
export type DurationUnit = "ms" | "s" | "min" | "h" | "d";

/** A duration as a number of a unit, and how many decimals it is written with. */
export interface DurationParts {
  readonly n: number;
  readonly unit: DurationUnit;
  readonly minDecimals: number;
  readonly maxDecimals: number;
}

/** A measured duration (an attempt's): 840 ms, 1.25 s, 12.3 s. */
export function measuredDuration(ms: number): DurationParts {
  if (ms < 1000)
    return { n: Math.max(0, Math.round(ms)), unit: "ms", minDecimals: 0, maxDecimals: 0 };
  const seconds = ms / 1000;
  const decimals = seconds < 10 ? 2 : 1;
  return { n: seconds, unit: "s", minDecimals: decimals, maxDecimals: decimals };
}

/**
 * A configured span in its largest unit: 5 s, 1.5 min, 24 h, 3 d (days only from 2, so the 24 h
 * default reads as it is documented).
 */
export function configuredDuration(ms: number): DurationParts {
  const units: readonly [size: number, unit: DurationUnit, from: number][] = [
    [86_400_000, "d", 2 * 86_400_000],
    [3_600_000, "h", 3_600_000],
    [60_000, "min", 60_000],
    [1000, "s", 1000],
  ];
  for (const [size, unit, from] of units) {
    if (ms >= from) return { n: ms / size, unit, minDecimals: 0, maxDecimals: 1 };
  }
  return { n: Math.max(0, Math.round(ms)), unit: "ms", minDecimals: 0, maxDecimals: 0 };
}

/** A translator of the catalogue's "units" ("{n} s" → "1.25 s", "{n}秒" → "1.25秒"). */
export type UnitsT = (unit: DurationUnit, values: { n: string }) => string;

/** A duration in words, its number written for the locale. */
export function formatDuration(parts: DurationParts, locale: string, t: UnitsT): string {
  const n = new Intl.NumberFormat(locale, {
    minimumFractionDigits: parts.minDecimals,
    maximumFractionDigits: parts.maxDecimals,
  }).format(parts.n);
  return t(parts.unit, { n });
}

/** How deliveries are retried, as this server is configured (WEBHOOK_TIMEOUT_SECONDS, …). */
export interface DeliveryPolicy {
  readonly timeoutMs: number;
  readonly maxAgeMs: number;
}

/** The colour of an HTTP status: 2xx green, 4xx/5xx like a failure, none dimmed. */
export function httpStatusColor(status: number | null): string {
  if (status === null) return "dimmed";
  // The theme's text shades, readable in both colour schemes.
  if (status >= 200 && status < 300) return "var(--mantine-color-green-text)";
  return `var(--mantine-color-${status >= 500 ? "red" : "orange"}-text)`;
}

/**
 * What is wrong with a URL typed into the settings form, checked with the contract webhook.set
 * uses, before sending: the catalogue's "webhook.urlProblems.<kind>" for what the form explains
 * itself, else ("invalid") the message the server would give. An empty value is refused here:
 * removing the webhook has its own, confirmed, action.
 */
export type WebhookUrlProblem =
  | { readonly kind: "empty" | "notHttp" }
  | { readonly kind: "tooLong"; readonly max: number }
  | { readonly kind: "invalid"; readonly message: string };

/** Null when the URL passes. */
export function checkWebhookUrl(value: string): WebhookUrlProblem | null {
  if (value.trim() === "") return { kind: "empty" };
  const result = SetWebhookRequest.safeParse({ url: value });
  if (result.success) return null;
  // A character that cannot be stored is rarer than the form's own rules: the server's words.
  if (unstorableReason(value) !== null) {
    return { kind: "invalid", message: describeZodError(result.error).message };
  }
  if (result.error.issues.some((issue) => issue.code === "too_big")) {
    return { kind: "tooLong", max: MAX_WEBHOOK_URL_LENGTH };
  }
  return { kind: "notHttp" };
}

/** Whether a session filter as typed could be a session id (at most 64 characters). */
export function isPossibleSessionFilter(value: string): boolean {
  return value.trim().length <= 64;
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
