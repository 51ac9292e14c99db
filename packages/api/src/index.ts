export { createOuterContext, type OuterContextOptions } from "./console/outer-context";
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
