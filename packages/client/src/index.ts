// @collab/client: a device of one user on the user channel (browser and Node.js).

export type {
  UserCall,
  UserCalls,
  UserChannelEvent,
  UserRingEndedEvent,
  UserRingEvent,
  UserTransitionResult,
} from "@collab/contracts/user-channel";
export { type BackoffOptions, DEFAULT_BACKOFF, reconnectDelay } from "./backoff";
export {
  type CallRef,
  type ConnectionStatus,
  createUserClient,
  type EventSourceConstructor,
  errorReason,
  type TokenSource,
  type UserClient,
  type UserClientEvents,
  type UserClientOptions,
  type Why,
} from "./client";
export { RingBook, type RingEnd } from "./rings";
export { readUserToken, type UserTokenInfo } from "./token";
