// Values shared by every copy of a module in one process. Next.js may load a module in several
// bundles of one server process (the custom entry, the route handlers, the console's pages); a
// value that must exist once per process (a database client, a throttle's counts, a generated
// key) is kept on globalThis under a registered symbol, which every copy resolves to the same key.
// It lives in @collab/db (subpath @collab/db/process-singleton) because this is the lowest package
// that every holder of such a value (the database client, the API's live streams and throttles,
// the web app's console) already depends on.

type Store = Record<symbol, unknown>;

/** A process-wide slot named `name` (e.g. "@collab/db/singleton"): read, set or clear it. */
export interface ProcessSlot<T> {
  get(): T | undefined;
  set(value: T | undefined): void;
}

export function processSlot<T>(name: string): ProcessSlot<T> {
  const key = Symbol.for(name);
  const store = globalThis as unknown as Store;
  return {
    get: () => store[key] as T | undefined,
    set: (value) => {
      store[key] = value;
    },
  };
}

/** The process's one value named `name`, created by the first caller of any copy of the module. */
export function processSingleton<T>(name: string, create: () => T): T {
  const slot = processSlot<T>(name);
  let value = slot.get();
  if (value === undefined) {
    value = create();
    slot.set(value);
  }
  return value;
}
