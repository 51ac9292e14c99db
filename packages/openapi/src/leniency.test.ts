import { HIAR_OPERATIONS } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";
import { documentValidator } from "./testing/document-validator";

// The generated request schemas must accept what the server accepts (the contracts ARE the
// server's parser) and refuse what it refuses. A few rules cannot be said in JSON Schema; they
// are listed here, pinned, and described in words in the document.

const validate = documentValidator(buildOpenApiDocument());
const { inviteSession, createCollaboration, queryCollaborationsByUser } = HIAR_OPERATIONS;

const invite = (member: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  collaborationID: "c1",
  sessionID: "s1",
  userID: "inviter",
  members: [{ userID: "u1", ...member }],
  ...top,
});
const query = (fields: Record<string, unknown>) => ({ userID: "u1", ...fields });
const create = (fields: Record<string, unknown>) => ({ userID: "u1", ...fields });
const emoji = (n: number) => "😀".repeat(n); // n code points, 2n UTF-16 units

type Case = readonly [label: string, operation: { path: string }, body: unknown];

const BOTH_ACCEPT: Case[] = [
  ["the minimal invite", inviteSession, invite()],
  ["an enum by name", inviteSession, invite({ confirmState: "CONFIRM_ACCEPT" })],
  ["an enum by number", inviteSession, invite({ confirmState: 2 })],
  ["an enum by decimal string", inviteSession, invite({ memberSessionState: "1" })],
  ["the zero enum", inviteSession, invite({ confirmState: 0 })],
  ["an int32 as a number", inviteSession, invite({ deviceType: -5 })],
  ["an int32 as a decimal string", inviteSession, invite({ deviceType: "42", seqID: "-7" })],
  ["int32 bounds", inviteSession, invite({ deviceType: -2147483648, seqID: 2147483647 })],
  ["int32 lists as strings", inviteSession, invite({ roles: ["1", 2], medias: ["0"] })],
  ["unknown fields", inviteSession, invite({ future: true }, { alsoFuture: { x: 1 } })],
  ["a 64-character ID", inviteSession, invite({ userID: "a".repeat(64) })],
  ["64 code points in 128 UTF-16 units", inviteSession, invite({ userID: emoji(64) })],
  ["4096 characters of extra", inviteSession, invite({ extra: "x".repeat(4096) })],
  ["a tool", inviteSession, invite({ tools: [{ kind: "3", userID: "", extra: "pen" }] })],
  ["emoji, CJK and control characters", inviteSession, invite({ extra: "😀漢字\u0001\u007f" })],
  ["100 members", inviteSession, { ...invite(), members: members(100) }],
  ["create with only a creator", createCollaboration, create({})],
  ["create with int64 times as strings", createCollaboration, create({ beginTime: "1688180400" })],
  [
    "create with rule settings by number",
    createCollaboration,
    create({ ruleSettings: { closeControl: 1, roleRights: [{ role: "1", rights: ["2", 3] }] } }),
  ],
  [
    "the calling-timeout extension, as a number and as a string",
    createCollaboration,
    create({ ruleSettings: { numberLimit: 2, callingTimeout: "86400" } }),
  ],
  ["a calling timeout of 0", createCollaboration, create({ ruleSettings: { callingTimeout: 0 } })],
  [
    "the busy-detection extension, on",
    createCollaboration,
    create({ ruleSettings: { busyDetection: true, callingTimeout: 30 } }),
  ],
  ["busy detection off", createCollaboration, create({ ruleSettings: { busyDetection: false } })],
  ["query with every field", queryCollaborationsByUser, query({ limit: "50", history: true })],
  ["query at the int64 bound", queryCollaborationsByUser, query({ endTime: 9007199254740991 })],
];

const BOTH_REFUSE: Case[] = [
  ["no inviter", inviteSession, { ...invite(), userID: undefined }],
  ["an empty inviter", inviteSession, invite({}, { userID: "" })],
  ["a 65-character ID", inviteSession, invite({ userID: "a".repeat(65) })],
  ["65 code points", inviteSession, invite({ userID: emoji(65) })],
  ["no members", inviteSession, invite({}, { members: [] })],
  ["absent members", inviteSession, { ...invite(), members: undefined }],
  ["101 members", inviteSession, { ...invite(), members: members(101) }],
  ["members not a list", inviteSession, invite({}, { members: "u1" })],
  ["4097 characters of extra", inviteSession, invite({ extra: "x".repeat(4097) })],
  ["a fraction", inviteSession, invite({ deviceType: 1.5 })],
  ["a fraction as a string", inviteSession, invite({ deviceType: "1.5" })],
  ["an exponent", inviteSession, invite({ deviceType: "1e3" })],
  ["an empty string as int", inviteSession, invite({ deviceType: "" })],
  ["a boolean as int", inviteSession, invite({ deviceType: true })],
  ["past int32", inviteSession, invite({ seqID: 2147483648 })],
  ["an enum in lower case", inviteSession, invite({ confirmState: "confirm_accept" })],
  ["an unknown enum name", inviteSession, invite({ confirmState: "CONFIRM_MAYBE" })],
  ["an enum number out of range", inviteSession, invite({ confirmState: 3 })],
  ["an enum string out of range", inviteSession, invite({ confirmState: "3" })],
  ["a negative enum", inviteSession, invite({ confirmState: -1 })],
  ["a boolean as an enum", inviteSession, invite({ confirmState: true })],
  ["a string as a bool", queryCollaborationsByUser, query({ history: "true" })],
  [
    "a string as busy detection",
    createCollaboration,
    create({ ruleSettings: { busyDetection: "true" } }),
  ],
  [
    "a calling timeout past a day",
    createCollaboration,
    create({ ruleSettings: { callingTimeout: 86401 } }),
  ],
  [
    "a negative calling timeout",
    createCollaboration,
    create({ ruleSettings: { callingTimeout: -1 } }),
  ],
  [
    "a fractional calling timeout",
    createCollaboration,
    create({ ruleSettings: { callingTimeout: 1.5 } }),
  ],
  ["past int64", queryCollaborationsByUser, query({ beginTime: 2 ** 53 })],
  ["a body that is a list", inviteSession, [invite()]],
  ["a body that is a string", inviteSession, "invite"],
];

// Accepted by the schema, refused by the server: rules JSON Schema cannot state. Each is in the
// document's words (field notes, "Request bodies").
const SERVER_ONLY_REFUSES: Case[] = [
  ["inviting the inviter", inviteSession, invite({ userID: "inviter" })],
  ["a userID twice", inviteSession, { ...invite(), members: [{ userID: "a" }, { userID: "a" }] }],
  ["an invitee not CALLING", inviteSession, invite({ memberSessionState: "MEMBER_TALKING" })],
  ["an int32 string past int32", inviteSession, invite({ deviceType: "2147483648" })],
  ["a page over 100", queryCollaborationsByUser, query({ limit: 101 })],
  ["a negative offset", queryCollaborationsByUser, query({ offset: -1 })],
  ["a negative numberLimit", createCollaboration, create({ ruleSettings: { numberLimit: -1 } })],
  [
    "a calling timeout string past a day",
    createCollaboration,
    create({ ruleSettings: { callingTimeout: "86401" } }),
  ],
  ["a member listed twice", createCollaboration, create({ members: members(2, "same") })],
  ["a NUL in an ID", inviteSession, invite({ userID: "u\u0000" })],
  ["a lone surrogate in extra", inviteSession, invite({ extra: "x\ud800" })],
  ["a lone surrogate in detail", createCollaboration, create({ detail: "\udc00" })],
];

// Refused by the schema, accepted by the server: proto3's "null is the default".
const SERVER_ONLY_ACCEPTS: Case[] = [
  ["null for a field", inviteSession, invite({ extra: null, roles: null })],
  ["null busy detection", createCollaboration, create({ ruleSettings: { busyDetection: null } })],
];

function members(n: number, same?: string) {
  return Array.from({ length: n }, (_, i) => ({ userID: same ?? `m${i}` }));
}

function parse(operation: { path: string }, body: unknown): boolean {
  const op = Object.values(HIAR_OPERATIONS).find((o) => o.path === operation.path);
  if (!op) throw new Error(`no operation at ${operation.path}`);
  return op.request.safeParse(body).success;
}

const documented = (operation: { path: string }, body: unknown) =>
  validate.request(operation.path, body) === null;

describe("request schemas describe what the server accepts", () => {
  it.each(BOTH_ACCEPT)("both accept %s", (_label, operation, body) => {
    expect(parse(operation, body)).toBe(true);
    expect(validate.request(operation.path, body)).toBeNull();
  });

  it.each(BOTH_REFUSE)("both refuse %s", (_label, operation, body) => {
    expect(parse(operation, body)).toBe(false);
    expect(documented(operation, body)).toBe(false);
  });

  it.each(SERVER_ONLY_REFUSES)("only the server refuses %s", (_label, operation, body) => {
    expect(parse(operation, body)).toBe(false);
    expect(documented(operation, body)).toBe(true);
  });

  it.each(SERVER_ONLY_ACCEPTS)("only the server accepts %s", (_label, operation, body) => {
    expect(parse(operation, body)).toBe(true);
    expect(documented(operation, body)).toBe(false);
  });
});
