import * as contracts from "@collab/contracts";
import type * as z from "zod";

// Components are named after the contracts' own exports (`MemberInfo`, `CollaborationInfo`, …), so
// a reader of the document and a reader of the code use the same words. Only objects and enums
// get a name; scalars stay inline where they are easier to read.

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

function isNamedKind(schema: z.ZodType): boolean {
  const def = (schema as unknown as z.core.$ZodTypes)._zod.def;
  if (def.type === "object") return true;
  // A protojson enum: a preprocess (number → name) in front of a z.enum.
  return (
    def.type === "pipe" && def.in._zod.def.type === "transform" && def.out._zod.def.type === "enum"
  );
}

let cache: Map<z.ZodType, string> | undefined;

/** Every exported object or enum schema of @collab/contracts, by instance. */
export function contractSchemaNames(): ReadonlyMap<z.ZodType, string> {
  if (cache) return cache;
  const names = new Map<z.ZodType, string>();
  for (const [name, value] of Object.entries(contracts)) {
    if (!/^[A-Z]/.test(name) || !isZodSchema(value) || !isNamedKind(value)) continue;
    // First export wins if one schema is exported twice.
    if (!names.has(value)) names.set(value, name);
  }
  cache = names;
  return names;
}
