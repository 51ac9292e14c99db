import {
  CLOSE_CONTROLS,
  CONFIRM_STATES,
  LIMITS,
  MEMBER_SESSION_STATES,
  RIGHTS,
  STOP_CONTROLS,
} from "@collab/contracts";
import fc from "fast-check";

// What the REST fuzz test sends: a recipe (fast-check value, shrinkable and printable) that the
// test turns into bytes, either by mutating a valid body built from the lane's live model (real
// IDs and members, so requests reach the domain rules) or as garbage built from nothing.

// --- JSON text fragments ---------------------------------------------------------------------------

/** Characters that break naive code: NUL, lone surrogates, controls, quotes, astral, RTL, … */
const strangeChar = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "\u0000",
      "\ud800",
      "\udbff",
      "\udc00",
      "\udfff",
      "\u0001",
      "\u0008",
      "\u001b",
      "\u001f",
      "\u007f",
      "\u0085",
      "\u009f",
      "\u00a0",
      "\u200b",
      "\u200f",
      "\u2028",
      "\u2029",
      "\ufeff",
      "\ufffd",
      "\ufffe",
      "\uffff",
      "😀",
      "👩‍💻",
      "漢",
      "\u{10FFFF}",
      '"',
      "\\",
      "'",
      "<",
      "%",
      " ",
      "\t",
      "\n",
    ),
  },
  // Any code point, lone surrogates included (String.fromCodePoint(0xd800) is one).
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
  },
  { weight: 2, arbitrary: fc.constantFrom("a", "b", "0", "1", "-", "_") },
);

/** Strings a field may meet: short strange ones, number- and enum-like ones, very long ones. */
export const strangeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(strangeChar, { maxLength: 10 }).map((cs) => cs.join("")) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "NaN",
      "nan",
      "Infinity",
      "-Infinity",
      "1e3",
      "1E3",
      "0x10",
      " 1",
      "1 ",
      "1.0",
      "1.5",
      "-0",
      "+1",
      "01",
      "2147483647",
      "2147483648",
      "-2147483648",
      "-2147483649",
      "9007199254740991",
      "9007199254740993",
      "9223372036854775807",
      "-9223372036854775808",
      "18446744073709551615",
      "253402300800",
      "true",
      "null",
      "undefined",
      "[]",
      "{}",
      ...CONFIRM_STATES,
      ...MEMBER_SESSION_STATES,
      ...RIGHTS,
      ...STOP_CONTROLS,
      ...CLOSE_CONTROLS,
      "member_calling",
      "MEMBER_CALLING ",
      "RIGHT_SUPER",
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(strangeChar, fc.integer({ min: LIMITS.maxIdLength - 1, max: 120_000 }))
      .map(([ch, n]) => ch.repeat(n)),
  },
);

/** Number tokens as JSON text, including ones JSON.parse turns into Infinity or rounds. */
const numberToken: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom(
    "-0",
    "0.0",
    "1.5",
    "-1",
    "1e2",
    "1E-7",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9007199254740991",
    "9007199254740992",
    "9223372036854775807",
    "123456789012345678901234567890",
    "1e308",
    "1e400",
    "-1e400",
    "5e-324",
  ),
);

/** Deeply nested or very wide values, as text (cheap to build, costly to parse badly). */
const bulkyToken: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 2, max: 20_000 }).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`),
  fc.integer({ min: 2, max: 20_000 }).map((d) => `${'{"a":'.repeat(d)}0${"}".repeat(d)}`),
  fc.integer({ min: 2, max: 30_000 }).map((n) => `[${"0,".repeat(n)}0]`),
  fc
    .integer({ min: 2, max: 20_000 })
    .map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}}`),
);

/** Any JSON value as text: scalars of every type, strange strings, containers, bulky ones. */
export const jsonValueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: strangeString.map((s) => JSON.stringify(s)) },
  { weight: 4, arbitrary: numberToken },
  { weight: 2, arbitrary: fc.constantFrom("true", "false", "null", "[]", "{}", '[""]', "[null]") },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.oneof(
          strangeString.map((s) => JSON.stringify(s)),
          numberToken,
        ),
        { maxLength: 4 },
      )
      .map((items) => `[${items.join(",")}]`),
  },
  { weight: 1, arbitrary: bulkyToken },
);

/** Keys to add to an object: known field names (duplicates), prototype names, strange keys. */
export const fieldKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "userID",
    "collaborationID",
    "sessionID",
    "memberID",
    "members",
    "extra",
    "detail",
    "tools",
    "roles",
    "medias",
    "confirmState",
    "memberSessionState",
    "ruleSettings",
    "numberLimit",
    "callingTimeout",
    "busyDetection",
    "outcome",
    "cursor",
    "roleRights",
    "limit",
    "offset",
    "history",
    "beginTime",
    "endTime",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "@type",
    "",
  ),
  strangeString.filter((s) => s.length < 200),
);

// --- recipes -----------------------------------------------------------------------------------------

/** One change to a valid body; `at` picks a node (modulo the body's node count). */
export type Mutation =
  | { readonly kind: "replace"; readonly at: number; readonly text: string }
  | { readonly kind: "delete"; readonly at: number }
  | {
      readonly kind: "poison";
      readonly at: number;
      readonly chars: string;
      readonly prepend: boolean;
    }
  | {
      readonly kind: "addKey";
      readonly at: number;
      readonly key: string;
      readonly text: string;
      /** Before the object's own keys (a duplicate then loses) or after (it wins). */
      readonly first: boolean;
    }
  | { readonly kind: "wrap"; readonly at: number; readonly inArray: boolean }
  /** Use another app's collaboration and session (tenancy). */
  | { readonly kind: "foreignIds"; readonly pick: number };

const at = fc.nat();

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("replace" as const), at, text: jsonValueText }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("poison" as const),
      at,
      chars: fc.array(strangeChar, { minLength: 1, maxLength: 3 }).map((cs) => cs.join("")),
      prepend: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("addKey" as const),
      at,
      key: fieldKey,
      text: jsonValueText,
      first: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("wrap" as const), at, inArray: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("foreignIds" as const), pick: fc.nat() }) },
);

/** The Content-Type sent: JSON (mostly, in several spellings), or clearly not JSON. */
export type Transport = { readonly contentType: string | null; readonly json: boolean };

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "Application/JSON",
  "application/json;charset=UTF-8",
];
const NON_JSON_TYPES = [
  null,
  "",
  "text/plain",
  "text/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/jsonx",
  "json",
];

export const transport: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ contentType: "application/json", json: true }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...JSON_TYPES).map((contentType) => ({ contentType, json: true })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...NON_JSON_TYPES)
      .map((contentType) => ({ contentType, json: false })),
  },
);

/** How the rendered JSON text is framed on the wire. */
export type Frame =
  | { readonly kind: "plain" }
  | { readonly kind: "bom" }
  | { readonly kind: "whitespace"; readonly text: string }
  | { readonly kind: "array" }
  | { readonly kind: "trailing"; readonly text: string }
  | { readonly kind: "truncate"; readonly keep: number }
  | { readonly kind: "badUtf8"; readonly at: number; readonly byte: number }
  | { readonly kind: "latin1" };

export const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: "plain" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "bom" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("whitespace" as const),
      text: fc.constantFrom(" ", "\n", "\r\n\t ", " ".repeat(1000)),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "array" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("trailing" as const),
      text: fc.constantFrom("x", ",", "}", "{}", "\u0000", "//c", " garbage"),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("badUtf8" as const),
      at: fc.nat(),
      byte: fc.constantFrom(0x80, 0xbf, 0xc0, 0xc3, 0xed, 0xf5, 0xff),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "latin1" as const }) },
);

/** A body built from nothing. */
export type GarbageBody =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bytes"; readonly bytes: number[] }
  | { readonly kind: "oversized"; readonly bytes: number }
  | { readonly kind: "fields"; readonly fields: readonly (readonly [string, string])[] };

export const garbageBody: fc.Arbitrary<GarbageBody> = fc.oneof(
  { weight: 120, arbitrary: jsonValueText.map((text) => ({ kind: "text" as const, text })) },
  {
    weight: 80,
    arbitrary: fc
      .oneof(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.constantFrom(
          "",
          " ",
          "{",
          "}",
          "[",
          '{"',
          '{"userID"}',
          "{'userID':'a'}",
          "NaN",
          "undefined",
        ),
      )
      .map((text) => ({ kind: "text" as const, text })),
  },
  {
    weight: 40,
    arbitrary: fc
      .uint8Array({ maxLength: 48 })
      .map((bytes) => ({ kind: "bytes" as const, bytes: [...bytes] })),
  },
  // Every known field, each with a value of any type: wrong types reach every field's check.
  {
    weight: 160,
    arbitrary: fc
      .array(fc.tuple(fieldKey, jsonValueText), { maxLength: 8 })
      .map((fields) => ({ kind: "fields" as const, fields })),
  },
  // About one in 400: a body around the 1 MiB cap (each costs a megabyte on the wire).
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: LIMITS.maxBodyBytes - 64, max: LIMITS.maxBodyBytes + 4096 })
      .map((bytes) => ({ kind: "oversized" as const, bytes })),
  },
);

/** One generated request of the fuzz test. */
export type FuzzCase =
  | {
      readonly source: "template";
      /** Which session/member the lane's model supplies (modulo what exists). */
      readonly pick: number;
      readonly mutations: readonly Mutation[];
      readonly frame: Frame;
      readonly transport: Transport;
    }
  | { readonly source: "garbage"; readonly body: GarbageBody; readonly transport: Transport };

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      source: fc.constant("template" as const),
      pick: fc.nat(),
      mutations: fc.oneof(
        { weight: 1, arbitrary: fc.constant([] as Mutation[]) },
        { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
      ),
      frame,
      transport,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ source: fc.constant("garbage" as const), body: garbageBody, transport }),
  },
);
