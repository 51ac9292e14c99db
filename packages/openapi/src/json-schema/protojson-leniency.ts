import type * as z from "zod";

// zod's JSON Schema shows a `z.preprocess` by its inner (strict) schema, but the server accepts
// more than that: protojson readers take an enum by NUMBER too, and integers as decimal strings.
// This override widens exactly those nodes of a REQUEST schema, recognised by their structure
// (a preprocess in front of an integer or an enum), so new contracts get the same treatment.

type Json = Record<string, unknown>;
type OverrideContext = { zodSchema: z.core.$ZodTypes; jsonSchema: Json };

/** A decimal integer as the contracts accept it ("-5", "42"). */
export const DECIMAL_STRING_PATTERN = "^-?[0-9]+$";

function isPreprocess(schema: z.core.$ZodTypes): boolean {
  const def = schema._zod.def;
  return def.type === "pipe" && def.in._zod.def.type === "transform";
}

function replaceWith(target: Json, next: Json): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, next);
}

function lenientInteger(json: Json): Json {
  const { type: _type, minimum, maximum, default: dflt, description, ...rest } = json;
  const int32 = typeof maximum === "number" && maximum <= 2147483647;
  const range = !int32
    ? "int64 (as a JS-safe integer)"
    : minimum === -2147483648 && maximum === 2147483647
      ? "int32"
      : `int32 from ${minimum} to ${maximum}`;
  return {
    ...rest,
    ...(dflt === undefined ? {} : { default: dflt }),
    description:
      description ??
      `${range}: a JSON integer, or the same number as a decimal string ("42", "-5").`,
    anyOf: [
      { type: "integer", minimum, maximum },
      { type: "string", pattern: DECIMAL_STRING_PATTERN },
    ],
  };
}

function lenientEnum(json: Json): Json {
  const { type: _type, enum: names, default: dflt, description, ...rest } = json;
  const list = names as string[];
  return {
    ...rest,
    ...(dflt === undefined ? {} : { default: dflt }),
    description:
      description ??
      `An enum, by NAME (recommended): ${list.join(", ")}. Protojson readers also accept its ` +
        `number (the name's position, 0–${list.length - 1}), as a JSON integer or a decimal ` +
        "string. Responses always use the name.",
    anyOf: [
      { type: "string", enum: list },
      { type: "integer", minimum: 0, maximum: list.length - 1 },
      { type: "string", enum: list.map((_, i) => String(i)) },
    ],
  };
}

/**
 * proto3: an absent field is its zero value, which is then validated like a sent one. A field
 * whose zero value fails (an empty ID, an empty `members`) is therefore required in practice;
 * listing it as required (and dropping its useless default) documents what the server does.
 */
function markRequired(schema: z.core.$ZodTypes, json: Json): void {
  if (schema._zod.def.type !== "object") return;
  const shape = (schema as unknown as z.ZodObject).shape;
  const properties = json.properties as Record<string, Json> | undefined;
  const required = Object.keys(shape).filter((key) => !shape[key]?.safeParse(undefined).success);
  if (required.length === 0) return;
  for (const key of required) delete properties?.[key]?.default;
  json.required = required;
}

/** `override` for z.toJSONSchema(…, { io: "input" }) over request schemas. */
export function protojsonInputOverride(ctx: OverrideContext): void {
  const { zodSchema, jsonSchema } = ctx;
  if (isPreprocess(zodSchema)) {
    if (jsonSchema.type === "integer") replaceWith(jsonSchema, lenientInteger(jsonSchema));
    else if (jsonSchema.type === "string" && Array.isArray(jsonSchema.enum)) {
      replaceWith(jsonSchema, lenientEnum(jsonSchema));
    }
  }
  markRequired(zodSchema, jsonSchema);
}
