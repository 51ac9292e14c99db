// @collab/sdk: a server-side client for the HiAR-compatible REST API, and webhook verification.

export { createHiarClient, type HiarClient, type HiarClientOptions } from "./client";
export {
  type ErrorReason,
  HiarApiError,
  type HiarApiErrorInit,
  HiarTransportError,
  isHiarApiError,
  type TransportFailure,
} from "./errors";
export { MemoryNonceStore, type NonceStore } from "./nonce-store";
export type {
  CallOptions,
  OperationData,
  OperationInput,
  OperationName,
} from "./operations";
export { type BackoffOptions, parseRetryAfter, retryDelay } from "./retry";
export { SERVER_ONLY_MESSAGE } from "./server-only";
export { SDK_VERSION } from "./version";
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookRequest,
  type WebhookVerification,
} from "./webhook";
