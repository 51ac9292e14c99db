import {
  HiarError,
  type SetWebhookRequest,
  type WebhookDeliveries,
  type WebhookDeliveriesRequest,
  type WebhookSettings,
} from "@collab/contracts";
import { InvalidWebhookUrlError, normaliseWebhookUrl } from "@collab/contracts/webhook-url";
import { findAppWebhook, listWebhookAttempts, setAppWebhookUrl, webhookStatus } from "@collab/db";
import type { DomainContext } from "./context";

// The app's webhook, for the console (webhook.get / webhook.set / webhook.deliveries). Delivery
// itself is the worker's (packages/worker); these read and change the settings and the log.

function appNotFound(): HiarError {
  return new HiarError("NOT_FOUND", "app not found");
}

/** webhook.get: the app's webhook URL and its outbox backlog. */
export async function getWebhook(ctx: DomainContext): Promise<WebhookSettings> {
  const app = await findAppWebhook(ctx.db, ctx.app.id);
  if (app === null) throw appNotFound();
  const status = await webhookStatus(ctx.db, ctx.app.id);
  return { url: app.url, ...status };
}

/**
 * webhook.set: sets the URL (an absolute http(s) URL without credentials, ≤ 2048 characters) or
 * removes it (null or ""). Events appended from then on are delivered to the URL in force when
 * they are sent; with no URL, pending deliveries are dropped. Unless the deployment allows private
 * networks (`ctx.settings.webhooksAllowPrivateNetworks`), a host that is visibly not public (an IP address in a private,
 * loopback, link-local, … range, or localhost) is refused here, with the reason, for immediate
 * feedback; names are resolved and checked by the worker on every delivery (the check that
 * counts). INVALID_PARAM (field url) otherwise.
 */
export async function setWebhook(
  ctx: DomainContext,
  input: SetWebhookRequest,
): Promise<WebhookSettings> {
  let url: string | null;
  try {
    url = normaliseWebhookUrl(input.url, {
      allowPrivateNetworks: ctx.settings.webhooksAllowPrivateNetworks,
    });
  } catch (error) {
    if (error instanceof InvalidWebhookUrlError) {
      throw new HiarError("INVALID_PARAM", `url: ${error.message}`, { field: "url" });
    }
    throw error;
  }
  if (!(await setAppWebhookUrl(ctx.db, ctx.app.id, url))) throw appNotFound();
  return getWebhook(ctx);
}

/** webhook.deliveries: the app's delivery attempts, newest first, paged by attempt id. */
export async function listWebhookDeliveries(
  ctx: DomainContext,
  input: WebhookDeliveriesRequest,
): Promise<WebhookDeliveries> {
  const rows = await listWebhookAttempts(ctx.db, {
    appId: ctx.app.id,
    limit: input.limit + 1,
    beforeId: input.before == null ? null : BigInt(input.before),
    sessionId: input.sessionID ?? null,
  });
  const page = rows.slice(0, input.limit);
  return {
    deliveries: page.map((row) => ({
      id: row.id.toString(),
      eventID: row.eventId.toString(),
      sessionID: row.sessionId,
      seq: row.seq,
      type: row.eventType,
      url: row.url,
      attempt: row.attempt,
      outcome: row.outcome,
      httpStatus: row.httpStatus,
      durationMs: row.durationMs,
      error: row.error,
      time: row.createdAt.toISOString(),
    })),
    next: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}
