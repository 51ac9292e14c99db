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
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  type RawBody,
  type StandardWebhookRefusal,
  type StandardWebhookVerification,
  standardWebhookSecret,
  type VerifyStandardWebhookOptions,
  verifyStandardWebhook,
  type WebhookSecrets,
} from "./standard-webhook";
export {
  type CreateUserTokenInput,
  createUserToken,
  USER_TOKEN_MAX_TTL_SECONDS,
} from "./user-token";
export { SDK_VERSION } from "./version";
export {
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  type ReceivableWebhookRequest,
  type ReceiveWebhookOptions,
  receiveWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookRequest,
  type WebhookVerification,
} from "./webhook";
