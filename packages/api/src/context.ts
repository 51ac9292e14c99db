import type { Database } from "@collab/db";
import type { DomainSettings } from "@collab/domain";
import type { SignInThrottle } from "./console/sign-in-throttle";

/** The authenticated tenant: every procedure acts inside exactly one app. */
export interface AppIdentity {
  readonly id: string;
}

/**
 * The inner context: what a procedure needs, independent of HTTP. Tests and server code (the
 * REST adapter) build it directly and call procedures through `createCaller`.
 */
export interface InnerContext {
  readonly db: Database;
  /** Null until an adapter has authenticated the caller; app procedures refuse null. */
  readonly app: AppIdentity | null;
  readonly trace: { readonly id: string };
  /** The deployment's settings the use cases depend on (passed by the adapter, never read here). */
  readonly settings: DomainSettings;
  /** Set only by the console's HTTP endpoint (browsers); absent for in-process callers. */
  readonly browser?: BrowserRequest;
  /**
   * The user token the request carries (`Authorization: Bearer …`, or a subscription's
   * connection parameter `token`), unverified; the user procedures verify it on every call.
   * Never logged.
   */
  readonly userToken?: string | null;
  /**
   * Set by an adapter that serves a subscription itself (the entry's user channel streams): the
   * subscription calls it once it listens, so the adapter can say "connected" only then, and
   * every event committed after that arrives live.
   */
  readonly onSubscribed?: () => void;
}

/** What a console (browser) request adds: its origin check and the session cookie. */
export interface BrowserRequest {
  /** Whether the request comes from a page of this origin (mutations require it). */
  readonly sameOrigin: boolean;
  /** The client's address (X-Forwarded-For, as the HTTP server resolved it), when known. */
  readonly clientAddress?: string | null;
  /** Counts failed sign-ins; without one, the process's default throttle does. */
  readonly signInThrottle?: SignInThrottle;
  /** The live console session the request's cookie names (its app is `app`), else null. */
  readonly sessionId?: string | null;
  /** Why console sign-in is disabled (e.g. CONSOLE_SESSION_SECRET is not set); null: enabled. */
  readonly signInDisabled?: string | null;
  /** How long a new session lasts, in seconds (CONSOLE_SESSION_MAX_AGE_SECONDS by default). */
  readonly sessionMaxAgeSeconds?: number;
  /** Sets the signed session cookie naming this server-side session. */
  setSessionCookie(session: { readonly id: string; readonly appId: string }): void;
  /** Clears the session cookie. */
  clearSessionCookie(): void;
}

export function createInnerContext(options: InnerContext): InnerContext {
  return {
    db: options.db,
    app: options.app,
    trace: options.trace,
    settings: options.settings,
    ...(options.userToken == null ? {} : { userToken: options.userToken }),
    ...(options.onSubscribed === undefined ? {} : { onSubscribed: options.onSubscribed }),
    ...(options.browser === undefined ? {} : { browser: options.browser }),
  };
}

/** The end user a verified user token names: the user procedures act as this user only. */
export interface UserIdentity {
  readonly id: string;
  /** The token's device id, null when it names none. */
  readonly deviceID: string | null;
  /** When the token expires (a subscription ends then; the device reconnects with a new one). */
  readonly expiresAt: Date;
}

/** The context of a user procedure: the token's app and user. */
export type UserContext = InnerContext & { readonly app: AppIdentity; readonly user: UserIdentity };

/** The context of a procedure that passed the app check. */
export type AppContext = InnerContext & { readonly app: AppIdentity };
