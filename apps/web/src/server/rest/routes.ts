import { HIAR_OPERATIONS, type HiarOperation, type HiarOperationName } from "@collab/contracts";
import { REST_OPERATIONS, type RestOperation } from "./operations";

/** A documented operation, found by its path (with or without the capability prefix). */
export interface OperationRoute {
  readonly kind: "operation";
  readonly name: HiarOperationName;
  readonly operation: HiarOperation;
  readonly rest: RestOperation<never>;
}

/** A path in the HiAR tree that names no operation: answered NOT_FOUND, never by Next.js. */
export interface UnknownRoute {
  readonly kind: "unknown";
}

export type RestRoute = OperationRoute | UnknownRoute;

const UNKNOWN: UnknownRoute = Object.freeze({ kind: "unknown" });

/**
 * The REST API's routing table, built once from HIAR_OPERATIONS and the capability prefix.
 * `match(path)` returns the operation at `path`, UNKNOWN for any other path of the HiAR tree, or
 * null for a path that is not the REST API's (Next.js serves it). The HiAR tree is: anything
 * under the capability prefix; anything under an operation's first segment (`/session/…`,
 * `/user/…`, `/create…`); and an operation's path under any other single first segment (a
 * client configured with another gateway's capability, e.g. `/hris/session/invite`), so every
 * caller of the REST API gets a JSON envelope, never an HTML page.
 */
export function restRoutes(capabilityPrefix: string) {
  const byPath = new Map<string, OperationRoute>();
  const roots = new Set<string>();
  for (const name of Object.keys(HIAR_OPERATIONS) as HiarOperationName[]) {
    const operation: HiarOperation = HIAR_OPERATIONS[name];
    const route: OperationRoute = {
      kind: "operation",
      name,
      operation,
      rest: REST_OPERATIONS[name] as RestOperation<never>,
    };
    byPath.set(operation.path, route);
    byPath.set(`${capabilityPrefix}${operation.path}`, route);
    roots.add(`/${operation.path.split("/")[1]}`);
  }
  const underPrefix = `${capabilityPrefix}/`;

  return {
    match(path: string): RestRoute | null {
      const route = byPath.get(path);
      if (route !== undefined) return route;
      if (path === capabilityPrefix || path.startsWith(underPrefix)) return UNKNOWN;
      const second = path.indexOf("/", 1);
      const root = second === -1 ? path : path.slice(0, second);
      if (roots.has(root)) return UNKNOWN;
      if (second !== -1 && byPath.has(path.slice(second))) return UNKNOWN;
      return null;
    },
  };
}

export type RestRoutes = ReturnType<typeof restRoutes>;
