import {
  ERROR_CATALOGUE,
  ERROR_REASONS,
  type HiarOperationName,
  LIMITS,
  MAX_CALLING_TIMEOUT_SECONDS,
} from "@collab/contracts";
import { ERROR_WHEN } from "./errors";
import { introductionZhCN } from "./introduction-zh-cn";
import { table } from "./markdown";
import { signingExample } from "./security";

// The document's introduction (info.description, Markdown), in English (here) and Simplified
// Chinese (introduction-zh-cn.ts): the /docs page shows the reader's language. Numbers, the
// error table and the worked signature come from the contracts and the signing package, so they
// cannot go stale in either language. Only this prose is translated: the operations and schemas
// are the same in every document.

/** The languages the introduction is written in. */
export const INTRODUCTION_LOCALES = ["en", "zh-CN"] as const;
export type IntroductionLocale = (typeof INTRODUCTION_LOCALES)[number];

export interface IntroductionOptions {
  /** The capability prefix the operations are also served under; null when disabled. */
  readonly capabilityPrefix: string | null;
  /** Every operation: its name, path, summary, origin and the `@type` of its `data`. */
  readonly operations: ReadonlyArray<{
    name: HiarOperationName;
    path: string;
    summary: string;
    origin: "hiar" | "extension";
    dataType: string;
  }>;
}

function quickStart(): string {
  return `## Quick start (TypeScript, server side)

The SDK \`@collab/sdk\` (in this repository, \`packages/sdk\`) signs every request, retries
\`UNAVAILABLE\` and \`RATE_LIMITED\`, and throws typed errors. It holds your secret, so it runs on
your server only (it refuses to start in a browser).

\`\`\`ts
import { createHiarClient, HiarApiError } from "@collab/sdk";

// APPID and secret: \`pnpm app:create --name "My app"\` prints them.
const hiar = createHiarClient({
  baseUrl: "http://localhost:3000", // e.g. https://collab.example.com/leliaRTC
  appId: process.env.HIAR_APP_ID!,
  secret: process.env.HIAR_APP_SECRET!,
});

const { collaborationID, sessionID } = await hiar.createCollaboration({ userID: "alice" });
await hiar.inviteSession({
  collaborationID, sessionID, userID: "alice",
  members: [{ userID: "bob" }, { userID: "carol" }],
});
\`\`\`

Without the SDK, \`examples/curl-invite.sh\` signs and sends an invite with curl and openssl.`;
}

function authentication(capabilityPrefix: string | null): string {
  const ex = signingExample();
  const prefix =
    capabilityPrefix === null
      ? ""
      : ` Every operation is also served under \`${capabilityPrefix}\` (HiAR's public URL shape, ` +
        `e.g. \`${capabilityPrefix}/session/invite\`); a path signed with or without that prefix verifies.`;
  return `## Authentication

Every request carries four headers, all required:

${table(
  ["header", "value"],
  [
    ["`X-HIAR-OPENAPI-APPID`", "your app's id"],
    ["`X-HIAR-OPENAPI-NONCE`", "a fresh random UUID for every request (and every retry)"],
    ["`X-HIAR-OPENAPI-DATE`", "RFC 3339 time of the request, e.g. `2022-07-05T09:46:33Z`"],
    [
      "`X-HIAR-OPENAPI-SIGNATURE`",
      "`base64(HMAC-SHA256(key = app secret, message = signing string))`",
    ],
  ],
)}

\`\`\`
signing string = method + "\\n" + path + "\\n" + query + "\\n" + APPID + "\\n" + date + "\\n" + nonce + "\\n"
\`\`\`

- **method** in lower case (\`post\`); **path** as sent, without the query; **query** as sent
  without \`?\` (empty for these POST operations); **date** and **nonce** exactly as in their headers.
- The digest is **base64 of the raw 32 bytes**, not hex. The body is not signed.
- The date must be within **±${LIMITS.dateWindowSeconds} s** of the server clock (\`REQUEST_EXPIRED\`
  otherwise), and a nonce is accepted **once** per app inside that window (\`NONCE_REUSED\`).
- The server also accepts an upper-case method and the query in sorted order.${prefix}

**Worked example** (HiAR's access guide; this service's signing code reproduces it byte for byte):
secret \`${ex.secret}\`, \`${ex.method.toUpperCase()} ${ex.path}?${ex.query}\`, APPID \`${ex.appId}\`,
date \`${ex.date}\`, nonce \`${ex.nonce}\`:

\`\`\`
${JSON.stringify(ex.signingString)}
→ ${ex.signature}
\`\`\`

Optional headers: \`trace\` (your request id, echoed in the \`trace\` response header) and
\`appid\` (when sent, it must equal \`X-HIAR-OPENAPI-APPID\`).`;
}

function operationList(operations: IntroductionOptions["operations"]): string {
  return `## Operations

All are \`POST\` with a JSON body, signed as below. HiAR documents the first ones; the
extensions follow HiAR's style (same signing and envelope).

${table(
  ["path", "what it does"],
  operations.map((op) => [
    `\`${op.path}\``,
    op.origin === "hiar" ? `${op.summary} (HiAR)` : op.summary,
  ]),
)}`;
}

function envelope(operations: IntroductionOptions["operations"]): string {
  return `## Responses

Every answer is JSON in HiAR's envelope, with the request's \`trace\` header:

\`\`\`json
{ "code": 0, "reason": "SUCCESS", "message": "", "data": { "@type": "type.googleapis.com/…", … } }
{ "code": 1001, "reason": "INVALID_PARAM", "message": "members[0].userID: must be 1–64 characters", "data": null }
\`\`\`

\`data\` is a protobuf \`Any\` in protojson: \`@type\` names the message, its fields sit beside it
(\`google.protobuf.Empty\` is written \`{"@type": …, "value": {}}\`). Output is protojson with every
field present: enums as names, int64 (times, unix seconds) as decimal strings, empty lists as \`[]\`.
The exceptions are this service's extensions \`ruleSettings.callingTimeout\` and
\`ruleSettings.busyDetection\`, present only when the collaboration sets them.

${table(
  ["operation", "`data.@type`"],
  operations.map(({ path, dataType }) => [`\`POST ${path}\``, `\`${dataType}\``]),
)}

### Errors

Each error has its HTTP status, a numeric \`code\` and a \`reason\`; \`message\` says what went
wrong (for \`INVALID_PARAM\` it starts with the field, e.g. \`members[1].userID: …\`), \`data\` is
\`null\`. \`RATE_LIMITED\` and \`UNAVAILABLE\` come with \`Retry-After\` (seconds): retry those (with a
fresh nonce and date), never the others.

${table(
  ["HTTP", "code", "reason", "when"],
  ERROR_REASONS.map((reason) => {
    const entry = ERROR_CATALOGUE[reason];
    return [String(entry.httpStatus), String(entry.code), `\`${reason}\``, ERROR_WHEN[reason]];
  }),
)}`;
}

function inputRules(): string {
  return `## Request bodies (protojson rules)

Bodies are JSON objects (\`Content-Type: application/json\`, at most ${LIMITS.maxBodyBytes} bytes), read
the way protojson reads them, so an existing HiAR client works unchanged:

- **Unknown fields are ignored**, at every level.
- **Absent or \`null\` fields take their proto default** (\`""\`, \`0\`, \`false\`, \`[]\`, the enum's
  \`*_UNSPECIFIED\`), which is then validated like a sent value: that is why an absent ID fails
  (the schemas list such fields as required).
- **Enums**: by NAME (\`"MEMBER_CALLING"\`), or by number (\`1\`, \`"1"\`); answers always use names.
- **Integers** (int32, and int64 times): a JSON integer or a decimal string (\`"42"\`); not
  \`1.5\`, \`"1e3"\` or booleans. Times are unix seconds; \`0\` means unset.
- **Booleans** are \`true\`/\`false\` only.
- **Lengths count characters** (Unicode code points): IDs ${LIMITS.minIdLength}–${LIMITS.maxIdLength},
  \`extra\` and \`detail\` at most ${LIMITS.maxExtraLength}.
- **Strings are stored exactly as sent**: any Unicode character, emoji and control characters
  included, except U+0000 (NUL) and a lone surrogate (\`\\ud800\` not followed by a low surrogate,
  or a low one alone), which cannot be stored as sent: they are \`INVALID_PARAM\` naming the field,
  in every string field.
- Rules across fields, checked by the server: an invite lists ${LIMITS.maxInviteMembers} members
  at most, no userID twice, not the inviter; \`/create\` lists at most ${LIMITS.maxCreateMembers}
  members, no userID twice. A session holds at most ${LIMITS.maxSessionMembers} live (calling or
  talking) members, or its \`ruleSettings.numberLimit\` when lower.
- **Extension**: \`/create\` also reads \`ruleSettings.callingTimeout\` (not part of HiAR's API, so
  HiAR clients never send it): the collaboration's calling timeout in seconds,
  1–${MAX_CALLING_TIMEOUT_SECONDS}; 0 or absent = the deployment's. A rung member still calling
  after it becomes \`MEMBER_TIMEOUT\`. And \`ruleSettings.busyDetection\` (true or false; absent =
  the deployment's default, off unless configured): an invitee talking in another live session of
  the app is not rung but becomes \`MEMBER_BUSY\` at once, with a \`member.busy\` event.`;
}

/** info.description of the document, in the given language (English by default). */
export function introduction(
  options: IntroductionOptions,
  locale: IntroductionLocale = "en",
): string {
  if (locale === "zh-CN") return introductionZhCN(options);
  return [
    "Signed REST API of the self-hostable, HiAR-compatible collaboration-session service " +
      "(HiLeia / leliaRTC): create a collaboration with its session, ring members into it, " +
      "list a member's collaborations, and follow the call's lifecycle. The wire format is HiAR's, so an existing HiAR client " +
      "works unchanged. This document is generated from the service's contracts.",
    quickStart(),
    operationList(options.operations),
    authentication(options.capabilityPrefix),
    envelope(options.operations),
    inputRules(),
  ].join("\n\n");
}
