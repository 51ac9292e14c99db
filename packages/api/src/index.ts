export {
  clientAddressOf,
  createOuterContext,
  liveConsoleSession,
  type OuterContextOptions,
  SIGN_IN_DISABLED_MESSAGE,
} from "./console/outer-context";
export { limitRequestBody } from "./console/request-body";
export { isSameOriginRequest, requestOrigin } from "./console/same-origin";
export {
  CONSOLE_SESSION_MAX_AGE_SECONDS,
  type ConsoleSessionClaims,
  type ConsoleSessionConfig,
  sessionClaimsFromCookieHeader,
  sessionCookieName,
  verifySessionToken,
} from "./console/session-cookie";
export {
  CLIENT_FAILURE_FACTOR,
  clientKey,
  defaultSignInThrottle,
  SIGN_IN_THROTTLE_BOUNDS,
  SIGN_IN_THROTTLE_DEFAULTS,
  type SignInAttempt,
  type SignInSteps,
  SignInThrottle,
  type SignInThrottleBounds,
  type SignInThrottleOptions,
} from "./console/sign-in-throttle";
export {
  type AppContext,
  type AppIdentity,
  type BrowserRequest,
  createInnerContext,
  type InnerContext,
  type UserContext,
  type UserIdentity,
} from "./context";
export { CONSOLE_ENDPOINT_LIMITS, toHiarError, toTRPCError } from "./errors";
export type { RedisBackendOptions } from "./limits/redis";
export {
  createLimitStore,
  type FailureCounter,
  type FailureWindow,
  type LimitStore,
  type LimitStoreKind,
  type LimitStoreOptions,
  type TokenBucketShape,
  type TokenDecision,
} from "./limits/store";
export {
  SessionEventFeed,
  type SessionEventFeedOptions,
  sessionEventFeedFor,
} from "./realtime/session-event-feed";
export {
  LIVE_STREAM_LIMITS,
  liveStreamSlots,
  type StreamSlotLimits,
  StreamSlots,
} from "./realtime/stream-slots";
export { type AppRouter, appRouter, type Caller, createCaller } from "./root";
export {
  parseUserEventStreamRequest,
  type StreamUserEventsOptions,
  streamUserEvents,
  USER_EVENT_STREAM_PATH,
  type UserEventStreamRequest,
} from "./sse/user-event-stream";
export {
  SSE_HEADERS,
  type SseSink,
  sseEvent,
  writeSseSubscription,
} from "./sse/write-subscription";
export { authenticateUser, bearerToken, userTokenSecretsFor } from "./user/authenticate";
