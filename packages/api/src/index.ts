export {
  clientAddressOf,
  createOuterContext,
  type OuterContextOptions,
} from "./console/outer-context";
export { isSameOriginRequest } from "./console/same-origin";
export {
  appIdFromCookieHeader,
  CONSOLE_SESSION_MAX_AGE_SECONDS,
  type ConsoleSessionClaims,
  type ConsoleSessionConfig,
  MIN_SESSION_KEY_LENGTH,
  sessionCookieName,
  verifySessionToken,
} from "./console/session-cookie";
export {
  CLIENT_FAILURE_FACTOR,
  defaultSignInThrottle,
  SIGN_IN_THROTTLE_DEFAULTS,
  type SignInAttempt,
  SignInThrottle,
  type SignInThrottleOptions,
} from "./console/sign-in-throttle";
export {
  type AppContext,
  type AppIdentity,
  type BrowserRequest,
  createInnerContext,
  type InnerContext,
} from "./context";
export { toHiarError, toTRPCError } from "./errors";
export {
  SessionEventFeed,
  type SessionEventFeedOptions,
  sessionEventFeedFor,
} from "./realtime/session-event-feed";
export { type AppRouter, appRouter, type Caller, createCaller } from "./root";
