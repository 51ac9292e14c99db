import {
  ERROR_CATALOGUE,
  ERROR_REASONS,
  type ErrorReason,
  type HiarOperationName,
  LIMITS,
  MAX_CALLING_TIMEOUT_SECONDS,
} from "@collab/contracts";
import type { IntroductionOptions } from "./introduction";
import { table } from "./markdown";
import { signingExample } from "./security";

// The introduction in Simplified Chinese: the same sections, numbers, tables and code as the
// English one (introduction.ts), in the console's vocabulary (apps/web/README.md, "Languages":
// 协作 collaboration, 会话 session, 成员 member, 邀请 invite, 呼叫 ring). Wire names (paths,
// headers, reasons, field names) stay as they are. A new operation or error reason is a type
// error here until it is translated.

/** Each operation's title (HiAR's own Chinese title where it has one). */
const OPERATION_SUMMARY: Readonly<Record<HiarOperationName, string>> = {
  inviteSession: "会话中邀请：呼叫成员加入进行中的会话",
  createCollaboration: "创建协作及其会话",
  queryCollaborationsByUser: "按成员查询协作",
  acceptCall: "接听呼叫（扩展）",
  declineCall: "拒绝呼叫（扩展）",
  reportBusy: "报告被呼叫的成员忙线（扩展）",
  reportOffline: "报告成员离线（扩展）",
  leaveSession: "离开会话（扩展）",
  kickoutMember: "将成员移出会话（扩展）",
  endSession: "结束会话（扩展）",
  fetchSessionEvents: "读取会话在某个 seq 之后的事件（扩展）",
  cancelInvite: "取消对成员的呼叫（扩展）",
  fetchUserCalls: "按用户查询通话记录：已接、未接、进行中（扩展）",
  issueUserToken: "签发用户令牌（扩展）",
};

/** When each reason is answered (docs/errors.md, "The catalogue"). */
const ERROR_WHEN: Readonly<Record<ErrorReason, string>> = {
  INVALID_PARAM: "校验失败（包括 JSON 格式错误）；message 会指出字段。",
  UNAUTHENTICATED:
    "缺少 HiAR 请求头或格式错误、应用不存在、签名不匹配，或 `appid` 与 X-HIAR-OPENAPI-APPID 不一致。",
  REQUEST_EXPIRED: "X-HIAR-OPENAPI-DATE 与服务器时钟的偏差超出允许的时间窗口。",
  NONCE_REUSED: "该应用已在时间窗口内使用过这个 X-HIAR-OPENAPI-NONCE。",
  PERMISSION_DENIED: "操作的用户无权执行该操作（例如邀请人不在会话中）。",
  NOT_FOUND:
    "调用方应用中不存在该协作或会话（其他应用的对象同样视为不存在），或能力前缀不是本服务器的。",
  INVALID_STATE: "会话已结束，或不允许该状态变更。",
  MEMBER_LIMIT_EXCEEDED: "该请求会使会话超出成员上限。",
  PAYLOAD_TOO_LARGE: "请求体超过上限。",
  UNSUPPORTED_MEDIA_TYPE: "Content-Type 不是 JSON。",
  RATE_LIMITED: "应用发送过快；请在 `Retry-After` 秒后重试。",
  UNAVAILABLE: "数据库无法访问；请在 `Retry-After` 秒后重试。",
  INTERNAL: "其他任何错误。细节不会离开服务器；联系支持时请提供 `trace` 响应头。",
};

function quickStart(): string {
  return `## 快速开始（TypeScript，服务端）

SDK \`@collab/sdk\`（位于本仓库的 \`packages/sdk\`）为每个请求签名，对 \`UNAVAILABLE\` 和
\`RATE_LIMITED\` 自动重试，并抛出带类型的错误。它持有您的密钥，因此只能在您的服务器上运行（在浏览器中会拒绝启动）。

\`\`\`ts
import { createHiarClient, HiarApiError } from "@collab/sdk";

// APPID 和密钥：\`pnpm app:create --name "My app"\` 会打印出来。
const hiar = createHiarClient({
  baseUrl: "http://localhost:3000", // 例如 https://collab.example.com/leliaRTC
  appId: process.env.HIAR_APP_ID!,
  secret: process.env.HIAR_APP_SECRET!,
});

const { collaborationID, sessionID } = await hiar.createCollaboration({ userID: "alice" });
await hiar.inviteSession({
  collaborationID, sessionID, userID: "alice",
  members: [{ userID: "bob" }, { userID: "carol" }],
});
\`\`\`

不使用 SDK 时，\`examples/curl-invite.sh\` 只用 curl 和 openssl 签名并发送一次邀请。`;
}

function authentication(capabilityPrefix: string | null): string {
  const ex = signingExample();
  const prefix =
    capabilityPrefix === null
      ? ""
      : `每个操作也在 \`${capabilityPrefix}\` 下提供（HiAR 公开的 URL 形式，例如 ` +
        `\`${capabilityPrefix}/session/invite\`）；带或不带该前缀签名的路径都能通过校验。`;
  return `## 认证

每个请求都携带以下四个请求头，全部必填：

${table(
  ["请求头", "取值"],
  [
    ["`X-HIAR-OPENAPI-APPID`", "您的应用 ID"],
    ["`X-HIAR-OPENAPI-NONCE`", "每个请求（包括每次重试）都使用新的随机 UUID"],
    ["`X-HIAR-OPENAPI-DATE`", "请求时间，RFC 3339 格式，例如 `2022-07-05T09:46:33Z`"],
    ["`X-HIAR-OPENAPI-SIGNATURE`", "`base64(HMAC-SHA256(key = 应用密钥, message = 待签名字符串))`"],
  ],
)}

\`\`\`
signing string = method + "\\n" + path + "\\n" + query + "\\n" + APPID + "\\n" + date + "\\n" + nonce + "\\n"
\`\`\`

- **method** 为小写（\`post\`）；**path** 与发送时一致，不含查询串；**query** 与发送时一致，
  不含 \`?\`（这些 POST 操作为空）；**date** 和 **nonce** 与各自请求头中的值完全一致。
- 摘要是**原始 32 字节的 base64**，不是十六进制。请求体不参与签名。
- 日期与服务器时钟的偏差必须在 **±${LIMITS.dateWindowSeconds} 秒**以内（否则为 \`REQUEST_EXPIRED\`），
  同一应用的 nonce 在该窗口内只接受**一次**（\`NONCE_REUSED\`）。
- 服务器也接受大写的 method 以及按排序的查询串。${prefix}

**完整示例**（来自 HiAR 接入指南；本服务的签名代码逐字节复现）：
密钥 \`${ex.secret}\`，\`${ex.method.toUpperCase()} ${ex.path}?${ex.query}\`，APPID \`${ex.appId}\`，
date \`${ex.date}\`，nonce \`${ex.nonce}\`：

\`\`\`
${JSON.stringify(ex.signingString)}
→ ${ex.signature}
\`\`\`

可选请求头：\`trace\`（您的请求 ID，会在 \`trace\` 响应头中原样返回）和
\`appid\`（如发送，必须与 \`X-HIAR-OPENAPI-APPID\` 相同）。`;
}

function operationList(operations: IntroductionOptions["operations"]): string {
  return `## 操作

全部为 \`POST\`，请求体为 JSON，按下文方式签名。前几个是 HiAR 文档中的操作；扩展操作沿用
HiAR 的风格（相同的签名和响应信封）。

${table(
  ["路径", "作用"],
  operations.map((op) => [
    `\`${op.path}\``,
    op.origin === "hiar" ? `${OPERATION_SUMMARY[op.name]}（HiAR）` : OPERATION_SUMMARY[op.name],
  ]),
)}`;
}

function envelope(operations: IntroductionOptions["operations"]): string {
  return `## 响应

每个应答都是 HiAR 信封格式的 JSON，并带有请求的 \`trace\` 响应头：

\`\`\`json
{ "code": 0, "reason": "SUCCESS", "message": "", "data": { "@type": "type.googleapis.com/…", … } }
{ "code": 1001, "reason": "INVALID_PARAM", "message": "members[0].userID: must be 1–64 characters", "data": null }
\`\`\`

\`data\` 是 protojson 形式的 protobuf \`Any\`：\`@type\` 指明消息类型，其字段与之并列
（\`google.protobuf.Empty\` 写作 \`{"@type": …, "value": {}}\`）。输出是包含所有字段的 protojson：
枚举为名称，int64（时间，unix 秒）为十进制字符串，空列表为 \`[]\`。唯一的例外是本服务的扩展字段
\`ruleSettings.callingTimeout\` 和 \`ruleSettings.busyDetection\`，仅在协作设置了它们时出现。

${table(
  ["操作", "`data.@type`"],
  operations.map(({ path, dataType }) => [`\`POST ${path}\``, `\`${dataType}\``]),
)}

### 错误

每个错误都有 HTTP 状态码、数字 \`code\` 和 \`reason\`；\`message\` 说明出了什么问题（英文，
对 \`INVALID_PARAM\` 以字段开头，例如 \`members[1].userID: …\`），\`data\` 为 \`null\`。请按
\`code\` 或 \`reason\` 判断，不要按 \`message\` 的文字。\`RATE_LIMITED\` 和 \`UNAVAILABLE\` 带有
\`Retry-After\`（秒）：只重试这两种（使用新的 nonce 和 date），其他错误不要重试。

${table(
  ["HTTP", "code", "reason", "何时返回"],
  ERROR_REASONS.map((reason) => {
    const entry = ERROR_CATALOGUE[reason];
    return [String(entry.httpStatus), String(entry.code), `\`${reason}\``, ERROR_WHEN[reason]];
  }),
)}`;
}

function inputRules(): string {
  return `## 请求体（protojson 规则）

请求体是 JSON 对象（\`Content-Type: application/json\`，最多 ${LIMITS.maxBodyBytes} 字节），
按 protojson 的方式读取，因此现有的 HiAR 客户端无需修改即可使用：

- **未知字段会被忽略**，任何层级都是如此。
- **缺失或为 \`null\` 的字段取 proto 默认值**（\`""\`、\`0\`、\`false\`、\`[]\`、枚举的
  \`*_UNSPECIFIED\`），然后像发送的值一样校验：所以缺失的 ID 会校验失败（schema 中把这些字段列为必填）。
- **枚举**：按名称（\`"MEMBER_CALLING"\`），或按数字（\`1\`、\`"1"\`）；应答总是使用名称。
- **整数**（int32 以及 int64 时间）：JSON 整数或十进制字符串（\`"42"\`）；不接受
  \`1.5\`、\`"1e3"\` 或布尔值。时间为 unix 秒；\`0\` 表示未设置。
- **布尔值**只能是 \`true\`/\`false\`。
- **长度按字符计**（Unicode 码点）：ID 为 ${LIMITS.minIdLength}–${LIMITS.maxIdLength} 个字符，
  \`extra\` 和 \`detail\` 最多 ${LIMITS.maxExtraLength} 个。
- **字符串按发送的原样保存**：任何 Unicode 字符都可以，包括表情符号和控制字符，
  但 U+0000（NUL）和孤立代理项（\`\\ud800\` 后面没有低位代理项，或单独的低位代理项）除外，
  它们无法原样保存：在任何字符串字段中都是 \`INVALID_PARAM\`，并指出字段。
- 服务器检查的跨字段规则：一次邀请最多 ${LIMITS.maxInviteMembers} 个成员，userID 不能重复，
  不能包含邀请人；\`/create\` 最多 ${LIMITS.maxCreateMembers} 个成员，userID 不能重复。一个会话最多有
  ${LIMITS.maxSessionMembers} 个在线（呼叫中或通话中）成员，若 \`ruleSettings.numberLimit\` 更低则以它为准。
- **扩展**：\`/create\` 还会读取 \`ruleSettings.callingTimeout\`（不属于 HiAR 的 API，因此 HiAR
  客户端从不发送）：协作的呼叫超时，单位秒，1–${MAX_CALLING_TIMEOUT_SECONDS}；0 或缺失表示使用部署的默认值。
  被呼叫的成员超时仍未接听，即变为 \`MEMBER_TIMEOUT\`。以及 \`ruleSettings.busyDetection\`（true 或 false；
  缺失表示使用部署的默认值，未配置时关闭）：被邀请人正在本应用另一个进行中的会话里通话时不会被呼叫，
  而是立即变为 \`MEMBER_BUSY\`，并产生一个 \`member.busy\` 事件。`;
}

/** info.description in Simplified Chinese. */
export function introductionZhCN(options: IntroductionOptions): string {
  return [
    "可自托管、兼容 HiAR 的协作会话服务（HiLeia / leliaRTC）的签名 REST API：创建协作及其会话、" +
      "呼叫成员加入会话、按成员查询协作，并跟踪通话的生命周期。线上格式与 HiAR 相同，" +
      "现有的 HiAR 客户端无需修改即可使用。本文档由服务的契约生成；下方的操作与 schema " +
      "与英文版完全相同（说明文字为英文）。",
    quickStart(),
    operationList(options.operations),
    authentication(options.capabilityPrefix),
    envelope(options.operations),
    inputRules(),
  ].join("\n\n");
}
