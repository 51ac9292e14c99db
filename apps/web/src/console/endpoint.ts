// The console's typed endpoint and how the client batches calls to it. The server refuses a
// batch of more calls than CONSOLE_ENDPOINT_LIMITS.maxBatchSize (packages/api); the client never
// sends one (endpoint.test.ts holds the two equal). Kept here, free of server code, for the
// browser bundle.

export const CONSOLE_ENDPOINT = "/api/trpc";

/** Calls per batched request (httpBatchLink's maxItems). */
export const CONSOLE_BATCH_MAX_ITEMS = 10;

/** A batched GET's URL stays well under Node's 16 KB request-header limit. */
export const CONSOLE_BATCH_MAX_URL_LENGTH = 8_000;
