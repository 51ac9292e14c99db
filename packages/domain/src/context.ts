import type { Database } from "@collab/db";

/**
 * The deployment's settings a use case depends on. The domain never reads the environment: the
 * adapters pass these from @collab/settings (HIAR_CALLING_TIMEOUT_SECONDS,
 * HIAR_BUSY_DETECTION, WEBHOOK_ALLOW_PRIVATE_NETWORKS), parsed once when the process started.
 */
export interface DomainSettings {
  /** Seconds a rung member may stay CALLING unless the collaboration sets its own timeout. */
  readonly callingTimeoutSeconds: number;
  /**
   * Busy detection for collaborations whose ruleSettings set none (HIAR_BUSY_DETECTION);
   * absent = off (docs/decisions.md, "Busy detection").
   */
  readonly busyDetection?: boolean;
  /** Webhook URLs may name hosts in private networks (development and tests only). */
  readonly webhooksAllowPrivateNetworks: boolean;
  /** A secret rotation's overlap unless the request names one, in ms (default 24 h). */
  readonly secretRotationOverlapMs?: number;
}

/**
 * What every use case receives: the tenant it acts for, the database, the request's trace id
 * (recorded on the events it appends) and the deployment's settings. packages/api's AppContext
 * has exactly this shape.
 */
export interface DomainContext {
  /** The authenticated app (tenant). Every row read or written belongs to it. */
  readonly app: { readonly id: string };
  readonly db: Database;
  readonly trace: { readonly id: string };
  readonly settings: DomainSettings;
}
