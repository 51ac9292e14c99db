import { describe, expect, test } from "vitest";
import type * as z from "zod";
import * as contracts from "./index";
import { StorableString, storableCheck, unstorableReason } from "./scalars";
import { describeZodError, formatPath } from "./validation";

// Every string a request can carry must be stored exactly as sent or refused with INVALID_PARAM
// naming the field: NUL and lone surrogates are refused everywhere (README "Strings"); every other
// character, astral ones and control characters included, passes and comes out unchanged.

type Path = (string | number)[];

/** Characters PostgreSQL cannot store as sent, each as a whole string and where it sits. */
const POISONS: readonly [label: string, make: (valid: string) => string][] = [
  ["a trailing NUL", (v) => `${v}\u0000`],
  ["a leading NUL", (v) => `\u0000${v}`],
  ["a lone high surrogate first", (v) => `\ud800${v}`],
  ["a lone high surrogate last", (v) => `${v}\udbff`],
  ["a lone low surrogate", (v) => `${v}\udc00`],
  ["a high surrogate before a non-surrogate", (v) => `\ud83dx${v}`],
  ["a reversed surrogate pair", (v) => `${v}\ude00\ud83d`],
];

/** Characters that round-trip: astral (surrogate pairs), CJK, controls, noncharacters. */
const STORABLE_SAMPLES: readonly [label: string, text: string][] = [
  ["an emoji", "😀"],
  ["a ZWJ emoji sequence", "👩‍💻"],
  ["a musical symbol (U+1D11E)", "𝄞"],
  ["the last code point (U+10FFFF)", "\u{10FFFF}"],
  ["CJK and kana", "漢字テスト"],
  ["C0 controls", "\u0001\u0007\u001b\u001f"],
  ["DEL and C1 controls", "\u007f\u0085\u009f"],
  ["tab, newline and carriage return", "\t\n\r"],
  ["noncharacters", "\ufffe\uffff\ufdd0"],
  ["a BOM and a line separator", "\ufeff\u2028"],
];

describe("unstorableReason", () => {
  test.each(POISONS)("refuses %s", (_label, make) => {
    expect(unstorableReason(make("ab"))).toMatch(/^must not contain /);
  });

  test.each(STORABLE_SAMPLES)("accepts %s", (_label, text) => {
    expect(unstorableReason(`a${text}b`)).toBeNull();
  });

  test("names what it found and where, counting characters (code points) from 1", () => {
    expect(unstorableReason("😀a\u0000")).toBe(
      "must not contain U+0000 (NUL, at character 3): it cannot be stored",
    );
    expect(unstorableReason("字😀\udc01")).toBe(
      "must not contain a lone surrogate (U+DC01, at character 3): it is not a Unicode " +
        "character and cannot be stored as sent",
    );
    expect(unstorableReason("\ud800")).toContain("U+D800, at character 1");
    expect(unstorableReason("")).toBeNull();
  });

  test("StorableString refuses a non-string like any string field", () => {
    expect(describeZodError(StorableString.safeParse(5).error ?? { issues: [] }).message).toBe(
      "request body: must be a string",
    );
  });
});

// --- every request schema -------------------------------------------------------------------------

/** Every string the request can hold, at least once, with valid values (ints as decimal strings). */
const FULL_BODIES: Record<string, Record<string, unknown>> = {
  UserTokenRequest: { userID: "bob", deviceID: "bob-phone", ttlSeconds: "600" },
  InviteSessionRequest: {
    collaborationID: "collab",
    sessionID: "session",
    userID: "inviter",
    members: [
      {
        userID: "bob",
        confirmState: "CONFIRM_ACCEPT",
        memberSessionState: "MEMBER_CALLING",
        medias: ["1"],
        tools: [{ kind: "2", extra: "pen", userID: "tool-user" }],
        roles: ["3"],
        deviceType: "4",
        seqID: "5",
        extra: "bob's extra",
      },
      { userID: "carol", memberSessionState: "1", confirmState: "2" },
    ],
  },
  CreateCollaborationRequest: {
    userID: "creator",
    beginTime: "1688180400",
    endTime: "1688184000",
    detail: "weekly sync",
    extra: "creator's extra",
    members: [{ userID: "bob", confirmState: "CONFIRM_REJECT", deviceType: "1", roles: ["2"] }],
    ruleSettings: {
      stopControl: "STOP_ZERO",
      closeControl: "CLOSE_MANUAL",
      numberLimit: "10",
      autoRecord: true,
      isMuteIn: true,
      isCameraOffIn: true,
      confirmControl: true,
      roleControl: true,
      roleRights: [{ role: "1", rights: ["RIGHT_KICKOUT", "3"] }],
      mediaControl: {
        audioLimit: "1",
        videoLimit: "2",
        audios: ["1"],
        videos: ["2"],
        mediaSet: ["3"],
        mutex: [{ medias: ["4"] }],
      },
      toolControl: { toolSet: ["5"], mutex: [{ tools: ["6"] }] },
      callingTimeout: "30",
    },
  },
  QueryByUserRequest: {
    userID: "bob",
    beginTime: "1",
    endTime: "2",
    limit: "10",
    offset: "3",
    history: true,
  },
  MemberActionRequest: { collaborationID: "collab", sessionID: "session", userID: "bob" },
  MemberActionWithReasonRequest: {
    collaborationID: "collab",
    sessionID: "session",
    userID: "bob",
    reason: "busy",
    extra: "in a meeting",
  },
  KickoutRequest: {
    collaborationID: "collab",
    sessionID: "session",
    userID: "creator",
    memberID: "bob",
    reason: "disruptive",
    extra: "warned twice",
  },
  EndSessionRequest: {
    collaborationID: "collab",
    sessionID: "session",
    userID: "creator",
    reason: "done",
    extra: "see you",
  },
  CancelInviteRequest: {
    collaborationID: "collab",
    sessionID: "session",
    userID: "creator",
    members: ["bob", "carol"],
    reason: "wrong_person",
    extra: "meant dave",
  },
  UserCallWithReasonRequest: {
    collaborationID: "collab",
    sessionID: "session",
    reason: "declined",
    extra: "call me later",
  },
  // The console's procedures (tRPC).
  SignInRequest: { appId: "hiar-app", secret: "s3cret" },
  ListCollaborationsRequest: { limit: 10, offset: 0 },
  GetSessionRequest: { sessionID: "session" },
  ListSessionEventsRequest: { sessionID: "session", beforeSeq: 10, limit: 5 },
  SessionEventsSubscriptionRequest: { sessionID: "session", lastEventId: "42" },
  SetWebhookRequest: { url: "https://example.com/hooks/hiar?x=1" },
  WebhookDeliveriesRequest: { limit: 10, before: "12", sessionID: "session" },
  AppUsageRequest: { days: 7 },
  DeleteAppRequest: { confirmAppId: "hiar-app" },
  SessionEventsRequest: { collaborationID: "collab", sessionID: "session", afterSeq: 3, limit: 10 },
  UserCallsRequest: {
    userID: "bob",
    beginTime: "1",
    endTime: "2",
    outcome: "missed",
    cursor: "1765000000000.0123456789abcdef0123456789abcdef",
    limit: 10,
  },
  UserCallRequest: { collaborationID: "collab", sessionID: "session" },
  UserEventsSubscriptionRequest: { lastEventId: "42" },
  RotateAppSecretRequest: { overlapHours: 24 },
  OpenAsMemberRequest: { sessionID: "session", userID: "bob" },
};

function isSchema(value: unknown): value is z.ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/** Every exported request schema: HiAR's operations and the console's procedures. */
const REQUEST_SCHEMAS: [string, z.ZodType][] = Object.entries(contracts).flatMap(
  ([name, value]): [string, z.ZodType][] =>
    /Request$/.test(name) && isSchema(value) ? [[name, value]] : [],
);

interface StringNode {
  /** Path with "[]" for any array element. */
  path: string;
  kind: "string" | "enum";
  storable: boolean;
}

/** Walks a schema's definition and lists every node that accepts a string (strings and enums). */
function stringNodes(schema: z.ZodType, path = ""): StringNode[] {
  const def = (schema as unknown as z.core.$ZodTypes)._zod.def;
  const child = (inner: unknown, at = path) => stringNodes(inner as z.ZodType, at);
  switch (def.type) {
    case "string":
      return [{ path, kind: "string", storable: (def.checks ?? []).includes(storableCheck) }];
    case "enum":
      return [{ path, kind: "enum", storable: true }];
    case "object":
      return Object.entries(def.shape).flatMap(([key, inner]) =>
        child(inner, path === "" ? key : `${path}.${key}`),
      );
    case "array":
      return child(def.element, `${path}[]`);
    case "pipe":
      return [...child(def.in), ...child(def.out)];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
      return child(def.innerType);
    case "union":
      return def.options.flatMap((option) => child(option));
    default:
      return [];
  }
}

/** Every string in `value`, with its path. */
function stringLeaves(value: unknown, path: Path = []): { path: Path; value: string }[] {
  if (typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  }
  return [];
}

const normalized = (path: Path) => formatPath(path).replace(/\[\d+\]/g, "[]");

function withValue(body: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown>)[key],
    value,
  );
}

describe.each(REQUEST_SCHEMAS)("%s", (name, schema) => {
  const body = FULL_BODIES[name];
  const nodes = stringNodes(schema);

  test("has a full body in this test, and that body is valid", () => {
    expect(body, `add ${name} to FULL_BODIES`).toBeDefined();
    expect(schema.safeParse(body).success).toBe(true);
  });

  test("builds every string field on StorableString", () => {
    const plain = nodes.filter((node) => !node.storable).map((node) => node.path);
    expect(plain).toEqual([]);
  });

  test("the full body fills every string field", () => {
    const filled = new Set(stringLeaves(body).map((leaf) => normalized(leaf.path)));
    const missing = nodes.filter((node) => !filled.has(node.path)).map((node) => node.path);
    expect(missing).toEqual([]);
  });

  const leaves = stringLeaves(body ?? {});
  const cases = leaves.flatMap((leaf) =>
    POISONS.map(([label, make]) => [formatPath(leaf.path), label, leaf, make] as const),
  );

  test.each(cases)("refuses %s with %s, naming it", (field, _label, leaf, make) => {
    const result = schema.safeParse(withValue(body, leaf.path, make(leaf.value)));
    expect(result.success).toBe(false);
    if (result.success) return;
    const described = describeZodError(result.error);
    expect(described.field).toBe(field);
    // Free-text and ID fields say why; an enum, integer or cursor refuses it by its own rule.
    const kind = nodes.find((node) => node.path === normalized(leaf.path))?.kind;
    const free = kind === "string" && !/^\d+$/.test(leaf.value) && !/^https?:/.test(leaf.value);
    if (free) expect(described.message.startsWith(`${field}: must not contain `)).toBe(true);
  });
});

describe("storable text round-trips through every HiAR request's string fields", () => {
  const operations = Object.values(contracts.HIAR_OPERATIONS);
  const uniqueRequests = [...new Set(operations.map((op) => op.request))];

  test.each(STORABLE_SAMPLES)("%s", (_label, sample) => {
    let fields = 0;
    for (const schema of uniqueRequests) {
      const name = REQUEST_SCHEMAS.find(([, s]) => s === schema)?.[0] ?? "";
      const body = FULL_BODIES[name];
      const nodes = stringNodes(schema);
      for (const leaf of stringLeaves(body)) {
        const kind = nodes.find((node) => node.path === normalized(leaf.path))?.kind;
        if (kind !== "string") continue; // enums and integers have their own spellings
        const sent = `${leaf.value}${sample}x`;
        const result = schema.safeParse(withValue(body, leaf.path, sent));
        expect(result.error?.issues, `${name} ${formatPath(leaf.path)}`).toBeUndefined();
        expect(valueAt(result.data, leaf.path)).toBe(sent);
        fields++;
      }
    }
    expect(fields).toBeGreaterThan(15);
  });

  test("an ID of 64 astral characters and an extra of 4096 emoji are still within the limits", () => {
    const id = "😀".repeat(64);
    const extra = "👍".repeat(4096);
    const parsed = contracts.InviteSessionRequest.parse({
      collaborationID: id,
      sessionID: "s",
      userID: "u",
      members: [{ userID: "漢".repeat(64), extra, tools: [{ extra, userID: id }] }],
    });
    expect(parsed.collaborationID).toBe(id);
    expect(parsed.members[0]?.extra).toBe(extra);
    expect(parsed.members[0]?.tools[0]?.userID).toBe(id);
  });
});

describe("the console's string fields keep their own rules around the storable check", () => {
  test("sign-in trims the APPID and keeps the secret as typed", () => {
    expect(contracts.SignInRequest.parse({ appId: "  app😀 ", secret: " 秘密\u0001 " })).toEqual({
      appId: "app😀",
      secret: " 秘密\u0001 ",
    });
  });

  test("a webhook URL may hold any non-space character PostgreSQL stores", () => {
    const url = "https://例え.jp/フック/😀?q=\u0001\u007f";
    expect(contracts.SetWebhookRequest.parse({ url })).toEqual({ url });
    expect(contracts.SetWebhookRequest.parse({ url: null })).toEqual({ url: null });
  });
});
