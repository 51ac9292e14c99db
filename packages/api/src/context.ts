import type { Database } from "@collab/db";

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
}

export function createInnerContext(options: InnerContext): InnerContext {
  return { db: options.db, app: options.app, trace: options.trace };
}

/** The context of a procedure that passed the app check. */
export type AppContext = InnerContext & { readonly app: AppIdentity };
