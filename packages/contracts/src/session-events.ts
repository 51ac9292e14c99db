import * as z from "zod";
import { successEnvelopeSchema, TYPE_URLS } from "./envelope";
import { boundedInt32, IdField, message, withZero } from "./scalars";
import { WebhookEvent } from "./webhook";

// POST /session/events: this project's extension (docs/hiar-api.md, "POST /session/events"). A
// session's events after a seq, oldest first, in the webhook's own shape: an integrator whose
// endpoint was down reads from the last seq it processed and catches up exactly.

/** Most events one page returns (also the default). */
export const MAX_SESSION_EVENTS_PAGE = 100;

export const SessionEventsRequest = message({
  collaborationID: IdField,
  sessionID: IdField,
  /** Events with a greater seq are returned; 0 or absent: from the first. */
  afterSeq: withZero(boundedInt32(0, 2_147_483_647, "must be a seq, 0 or more"), 0),
  /** Page size, 1 … 100; 0 or absent: 100. */
  limit: withZero(
    boundedInt32(
      0,
      MAX_SESSION_EVENTS_PAGE,
      `must be 0 (default ${MAX_SESSION_EVENTS_PAGE}) to ${MAX_SESSION_EVENTS_PAGE}`,
    ),
    0,
  ),
});
export type SessionEventsRequest = z.output<typeof SessionEventsRequest>;
export type SessionEventsRequestInput = z.input<typeof SessionEventsRequest>;

export const SessionEventsResp = z.object({
  /** Oldest first, each exactly as its webhook delivers it. */
  events: z.array(WebhookEvent),
  /** The seq to send as `afterSeq` next: the last event's, or the request's when none. */
  nextSeq: z.int(),
  /** More events follow this page (ask again at once with `nextSeq`). */
  hasMore: z.boolean(),
});
export type SessionEventsResp = z.output<typeof SessionEventsResp>;

export const SessionEventsRespAny = SessionEventsResp.extend({
  "@type": z.literal(TYPE_URLS.SessionEventsResp),
});
export type SessionEventsRespAny = z.output<typeof SessionEventsRespAny>;

export function sessionEventsRespAny(resp: SessionEventsResp): SessionEventsRespAny {
  return { "@type": TYPE_URLS.SessionEventsResp, ...resp };
}

export const SessionEventsResponse = successEnvelopeSchema(SessionEventsRespAny);
