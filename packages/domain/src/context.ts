import type { Database } from "@collab/db";

/**
 * What every use case receives: the tenant it acts for, the database, and the request's trace id
 * (recorded on the events it appends). packages/api's AppContext has exactly this shape.
 */
export interface DomainContext {
  /** The authenticated app (tenant). Every row read or written belongs to it. */
  readonly app: { readonly id: string };
  readonly db: Database;
  readonly trace: { readonly id: string };
}
