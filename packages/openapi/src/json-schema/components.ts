import * as z from "zod";
import { contractSchemaNames } from "./named-schemas";
import { protojsonInputOverride } from "./protojson-leniency";

// zod 4's own JSON Schema generator (draft 2020-12, which OpenAPI 3.1 uses as its schema
// dialect) over a registry: each root and every named contract schema it reaches becomes a
// component, referenced as #/components/schemas/<Name>.

export type JsonSchema = Record<string, unknown>;
export type Io = "input" | "output";

export const COMPONENT_PREFIX = "#/components/schemas/";

type Override = NonNullable<Parameters<typeof z.toJSONSchema>[1]>["override"];

function overrideFor(io: Io): Override {
  // Requests are described as the server READS them (lenient); responses as it WRITES them.
  return io === "input" ? protojsonInputOverride : undefined;
}

/** Every schema node a root reaches (in that io), found by letting zod walk it. */
function reachable(root: z.ZodType, io: Io): Set<unknown> {
  const seen = new Set<unknown>();
  z.toJSONSchema(root, { io, override: (ctx) => seen.add(ctx.zodSchema) });
  return seen;
}

/**
 * JSON Schemas for `roots` (name → schema) and for every named contract schema they reach,
 * generated for requests (`input`) or responses (`output`).
 */
export function schemaComponents(roots: ReadonlyMap<string, z.ZodType>, io: Io) {
  const registry = z.registry<{ id: string }>();
  const used = new Set<string>();
  const add = (schema: z.ZodType, id: string) => {
    if (registry.has(schema)) return;
    if (used.has(id)) throw new Error(`openapi: two ${io} schemas are both named ${id}`);
    used.add(id);
    registry.add(schema, { id });
  };

  for (const [id, schema] of roots) add(schema, id);
  const names = contractSchemaNames();
  for (const schema of roots.values()) {
    for (const node of reachable(schema, io)) {
      const name = names.get(node as z.ZodType);
      if (name !== undefined) add(node as z.ZodType, name);
    }
  }

  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: "draft-2020-12",
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
    override: overrideFor(io),
  });
  if ("__shared" in schemas) throw new Error("openapi: unexpected shared $defs");
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Components live inside the document: no per-schema dialect or id.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}
