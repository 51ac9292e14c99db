import { DEFAULT_CAPABILITY_PREFIX, DEFAULT_WINDOW_SECONDS } from "@collab/hiar-auth";

// Deployment settings, read once from the environment.

function capabilityPrefix(): string {
  const raw = process.env.HIAR_CAPABILITY_PREFIX?.trim();
  if (raw === undefined || raw === "") return DEFAULT_CAPABILITY_PREFIX;
  const prefix = raw.startsWith("/") ? raw : `/${raw}`;
  return prefix.replace(/\/+$/, "");
}

function dateWindowSeconds(): number {
  const raw = process.env.HIAR_DATE_WINDOW_SECONDS;
  if (raw === undefined || raw === "") return DEFAULT_WINDOW_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(
      `HIAR_DATE_WINDOW_SECONDS must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  }
  return seconds;
}

export const serverConfig = Object.freeze({
  /** Public gateway prefix the REST routes are also served under (default "/leliaRTC"). */
  capabilityPrefix: capabilityPrefix(),
  /** Allowed clock skew of X-HIAR-OPENAPI-DATE, both ways. */
  dateWindowSeconds: dateWindowSeconds(),
});
