import {
  SetWebhookRequest,
  WebhookDeliveries,
  WebhookDeliveriesRequest,
  WebhookSettings,
} from "@collab/contracts";
import { getWebhook, listWebhookDeliveries, setWebhook } from "@collab/domain";
import { appProcedure, router } from "../../trpc";

// The app's webhook, for the console: its URL, the outbox backlog and the delivery log.
export const webhookRouter = router({
  /** The URL (null = none) and how many events wait for delivery. */
  get: appProcedure.output(WebhookSettings).query(({ ctx }) => getWebhook(ctx)),
  /** Sets the URL, or removes it with null / "". */
  set: appProcedure
    .input(SetWebhookRequest)
    .output(WebhookSettings)
    .mutation(({ ctx, input }) => setWebhook(ctx, input)),
  /** Delivery attempts (status, duration, error), newest first. */
  deliveries: appProcedure
    .input(WebhookDeliveriesRequest)
    .output(WebhookDeliveries)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx, input)),
});
