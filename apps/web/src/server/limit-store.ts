import { createLimitStore, type LimitStore } from "@collab/api";
import type { Database } from "@collab/db";
import { processSlot } from "@collab/db/process-singleton";
import type { LimitSettings } from "@collab/settings";
import type { Logger } from "pino";

const STORE = processSlot<LimitStore>("@collab/web/limit-store");

/**
 * The process's limit store (RATE_LIMIT_STORE), for the REST rate limit and the console sign-in
 * throttle. One per process: the entry creates it at start, and the modules Next.js bundles (the
 * tRPC route, maybe loaded more than once) must count in the same one.
 */
export function processLimitStore(
  settings: LimitSettings,
  db: Database,
  log: Pick<Logger, "warn">,
): LimitStore {
  let store = STORE.get();
  if (store === undefined) {
    store = createStore(settings, db, log);
    STORE.set(store);
  }
  return store;
}

function createStore(settings: LimitSettings, db: Database, log: Pick<Logger, "warn">): LimitStore {
  switch (settings.store) {
    case "memory":
      return createLimitStore({ kind: "memory" });
    case "postgres":
      return createLimitStore({ kind: "postgres", db });
    case "redis": {
      if (settings.redis === null) throw new Error("RATE_LIMIT_STORE=redis needs REDIS_URL");
      return createLimitStore({
        kind: "redis",
        url: settings.redis.url,
        keyPrefix: settings.redis.keyPrefix,
        // The error's message names the address, never the URL's password.
        onError: (error) =>
          log.warn({ store: "redis", error: error.message }, "rate-limit store: Redis error"),
      });
    }
  }
}

/** Closes the process's store (shutdown); the next processLimitStore() makes a new one. */
export async function closeProcessLimitStore(): Promise<void> {
  const store = STORE.get();
  STORE.set(undefined);
  await store?.close();
}
