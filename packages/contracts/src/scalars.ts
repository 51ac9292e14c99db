import * as z from "zod";
import { LIMITS } from "./limits";

// Protojson leniency for scalars, and the proto3 rule that an absent (or null) field is its zero
// value. Each scalar here validates a PRESENT value; `withZero` makes a field out of it.

const DECIMAL = /^-?\d+$/;

// A decimal string becomes a number; anything else is left for the number check to reject.
// -0 becomes 0 so it never reaches the wire as a distinct value.
function decimalToNumber(value: unknown): unknown {
  const n = typeof value === "string" && DECIMAL.test(value) ? Number(value) : value;
  return n === 0 ? 0 : n;
}

/** Input of an integer field: a JSON number or a decimal string ("-5", "42"). */
export type IntegerInput = number | string;

const INT32_MESSAGE =
  "must be an int32 (an integer from -2147483648 to 2147483647, as a JSON number or a decimal string)";

/** int32: a JSON integer or a decimal string, within ±2^31. Booleans, "1.5", "", "abc" fail. */
export const Int32 = z.preprocess<unknown, z.ZodInt32, IntegerInput>(
  decimalToNumber,
  z.int32({ error: INT32_MESSAGE }),
);

/**
 * An int32 field limited to `min`…`max` (inclusive), with the same input forms as `Int32`; the
 * bounds show in the generated JSON Schema (`minimum`/`maximum`). `rangeError` is the message of
 * an integer outside them.
 */
export function boundedInt32(min: number, max: number, rangeError: string) {
  return z.preprocess<unknown, z.ZodInt32, IntegerInput>(
    decimalToNumber,
    z
      .int32({ error: INT32_MESSAGE })
      .min(min, { error: rangeError })
      .max(max, { error: rangeError }),
  );
}

/**
 * int64 (beginTime/endTime, unix seconds) as a JS number, not a bigint: unix seconds need 35
 * bits, a number is JSON-safe through tRPC and the console with no transformer, and Date maths
 * take numbers. Values beyond ±(2^53 − 1) are rejected rather than silently rounded.
 */
export const Int64 = z.preprocess<unknown, z.ZodInt, IntegerInput>(
  decimalToNumber,
  z.int({
    error:
      "must be an int64 within ±9007199254740991 (an integer as a JSON number or a decimal string)",
  }),
);

/** Protojson's int64 on output: a decimal string. */
export function int64ToString(value: number | bigint): string {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new RangeError(`int64ToString: ${value} is not a safe integer`);
  }
  return String(value);
}

/** An int64 as protojson emits it ("1688180400"). */
export const Int64String = z
  .string({ error: "must be an int64 as a decimal string" })
  .regex(/^-?(0|[1-9]\d*)$/, { error: "must be an int64 as a decimal string" });

/** Protojson bools are JSON true/false only. */
export const Bool = z.boolean({ error: "must be true or false" });

/** Length in characters (Unicode code points), as PostgreSQL's varchar(n) counts them. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * Why `value` cannot be stored exactly as sent, or null when it can. PostgreSQL cannot hold
 * U+0000 in `text` or `jsonb` (the statement fails), and a lone UTF-16 surrogate has no UTF-8
 * encoding (the driver would write U+FFFD instead, so the stored value would differ from the
 * sent one). Everything else, control characters and noncharacters included, round-trips.
 * `character` in the message counts code points from 1, as lengths do.
 */
export function unstorableReason(value: string): string | null {
  let character = 0;
  for (let i = 0; i < value.length; i++) {
    character++;
    const unit = value.charCodeAt(i);
    if (unit === 0) {
      return `must not contain U+0000 (NUL, at character ${character}): it cannot be stored`;
    }
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1); // NaN past the end
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++; // a surrogate pair: one astral character, fine
      continue;
    }
    const hex = unit.toString(16).toUpperCase();
    return (
      `must not contain a lone surrogate (U+${hex}, at character ${character}): it is not ` +
      "a Unicode character and cannot be stored as sent"
    );
  }
  return null;
}

/** The zod check behind StorableString (exported so tests can find it in any derived schema). */
export const storableCheck = z.superRefine<string>((value, ctx) => {
  const reason = unstorableReason(value);
  if (reason !== null) ctx.addIssue({ code: "custom", message: reason, input: value });
});

/**
 * The one string every request field is built on (HiAR's and the console's): a JSON string that
 * PostgreSQL stores exactly as sent (see `unstorableReason`), or INVALID_PARAM naming the field.
 * Derive from it (`StorableString.max(…)`, `.trim()`, `.regex(…)`); never start from z.string().
 */
export const StorableString = z.string({ error: "must be a string" }).check(storableCheck);

/** A string of `min`–`max` characters (code points), storable as sent. */
export function boundedString(min: number, max: number) {
  const message =
    min > 0 ? `must be ${min}–${max} characters` : `must be at most ${max} characters`;
  return (
    StorableString.refine(
      (s) => {
        // Cheap bounds on UTF-16 length first: a code point is 1 or 2 code units.
        if (s.length < min || s.length > 2 * max) return false;
        const n = charLength(s);
        return n >= min && n <= max;
      },
      { error: message },
    )
      // JSON Schema counts code points too, so the generated OpenAPI states the same bounds.
      .meta(min > 0 ? { minLength: min, maxLength: max } : { maxLength: max })
  );
}

/** userID, collaborationID, sessionID: 1–64 characters. */
export const Id = boundedString(LIMITS.minIdLength, LIMITS.maxIdLength);
/** An ID that may be empty ("" = not set), e.g. a tool's userID: 0–64 characters. */
export const OptionalId = boundedString(0, LIMITS.maxIdLength);
/** `extra` and `detail`: at most 4096 characters. */
export const Extra = boundedString(0, LIMITS.maxExtraLength);

/**
 * A proto3 field: absent or null takes `zero` (the proto default), which is then validated like
 * any value, so an absent required ID fails on its length and the error names the field.
 */
export function withZero<T extends z.ZodType>(schema: T, zero: z.input<T>) {
  return z.preprocess<unknown, z.ZodPrefault<T>, z.input<T> | null | undefined>(
    (value: unknown) => (value === null ? undefined : value),
    schema.prefault(zero),
  );
}

/** A repeated field: absent or null is []. Elements themselves may not be null (as protojson). */
export function repeated<T extends z.ZodType>(element: T) {
  return withZero(z.array(element, { error: "must be an array" }), []);
}

/** A message (object) in the wire's strip mode: unknown fields are dropped, not rejected. */
export function message<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.object(shape, { error: "must be an object" });
}

// Ready-made fields (schemas are immutable, so one instance can serve every field).
export const Int32Field = withZero(Int32, 0);
export const Int64Field = withZero(Int64, 0);
export const BoolField = withZero(Bool, false);
export const IdField = withZero(Id, "");
export const OptionalIdField = withZero(OptionalId, "");
export const ExtraField = withZero(Extra, "");
