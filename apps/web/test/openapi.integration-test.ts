import { ERROR_CATALOGUE, type ErrorReason, HIAR_OPERATIONS, LIMITS } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import { buildOpenApiDocument, type OpenApiDocument } from "@collab/openapi";
import { type DocumentValidator, documentValidator } from "@collab/openapi/testing";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { cutDatabase } from "./database-outage";
import { type Credentials, type HiarResponse, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The served document is the generated one, and every answer the server gives over HTTP (each
// success, each error it can be driven to) is valid against the document's schema for that
// operation and status. A server change the document does not describe fails here.

const operations = Object.values(HIAR_OPERATIONS);

describe.each(adapterTestTargets())("the OpenAPI document and the server on %s", (target) => {
  let server: TestServer;
  let app: Credentials;
  let document: OpenApiDocument;
  let validate: DocumentValidator;
  /** "path status reason" of every answer checked, to prove each error was reached. */
  const seen = new Set<string>();
  let userSeq = 0;
  const user = (name: string) => `${name}-${++userSeq}`;

  /** Asserts the answer is documented for `path` and has the expected status and reason. */
  function expectDocumented(
    path: string,
    response: HiarResponse,
    status: number,
    reason?: ErrorReason,
  ) {
    expect(response.status, response.text).toBe(status);
    expect(validate.response(path, response.status, response.body), response.text).toBeNull();
    const body = response.body as { reason: string };
    if (reason !== undefined) expect(body.reason).toBe(reason);
    seen.add(`${path} ${status} ${body.reason}`);
  }

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    const response = await fetch(`${server.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
    validate = documentValidator(document);
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("GET /openapi.json and /docs", () => {
    it("serves the document generated from the contracts, valid OpenAPI 3.1", async () => {
      expect(document).toEqual(
        buildOpenApiDocument({ version: packageJson.version, capabilityPrefix: "/leliaRTC" }),
      );
      const result = await new Validator().validate(structuredClone(document));
      expect(result.errors ?? []).toEqual([]);
      expect(Object.keys(document.paths).sort()).toEqual(operations.map((o) => o.path).sort());
    });

    it("serves /docs with its renderer from this server, nothing from elsewhere", async () => {
      const response = await fetch(`${server.baseUrl}/docs`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      const html = await response.text();
      expect(html).toContain('src="/docs/scalar.js"');
      expect(html).toContain('"url":"/openapi.json"');
      const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
      for (const url of urls) expect(url, "no external resource").toMatch(/^(\/|data:)/);
      expect(html).toContain('"withDefaultFonts":false');
      expect(html).toContain('"telemetry":false');

      const script = await fetch(`${server.baseUrl}/docs/scalar.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toContain("javascript");
      const source = await script.text();
      expect(source.length).toBeGreaterThan(1_000_000);
      expect(source).toContain("createApiReference");
      const etag = script.headers.get("etag") ?? "";
      const cached = await fetch(`${server.baseUrl}/docs/scalar.js`, {
        headers: { "if-none-match": etag },
      });
      expect(cached.status).toBe(304);
    });

    it("serves /docs in the reader's language: the page's words and the introduction", async () => {
      const docs = async (headers: Record<string, string>) => {
        const response = await fetch(`${server.baseUrl}/docs`, { headers });
        expect(response.status).toBe(200);
        return response.text();
      };
      const lang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

      const chinese = await docs({ "accept-language": "zh-CN,zh;q=0.9,en;q=0.5" });
      expect(lang(chinese)).toBe("zh-CN");
      expect(chinese).toContain("<strong>试用</strong>");
      expect(chinese).toContain('"url":"/openapi.json?lang=zh-CN"');
      expect(chinese).toContain('<option value="zh-CN" selected>简体中文</option>');
      // The reader's choice (the console's language cookie) wins over the browser's languages.
      const chosen = await docs({ "accept-language": "zh-CN", cookie: "collab_locale=en" });
      expect(lang(chosen)).toBe("en");
      expect(chosen).toContain("<strong>Try it</strong>");
      expect(chosen).toContain('"url":"/openapi.json"');
      expect(lang(await docs({ "accept-language": "fr-FR" }))).toBe("en");

      // The Chinese document: the introduction in Chinese, everything else the same document.
      const response = await fetch(`${server.baseUrl}/openapi.json?lang=zh-CN`);
      expect(response.status).toBe(200);
      const zh = (await response.json()) as OpenApiDocument;
      expect(zh).toEqual(
        buildOpenApiDocument({
          version: packageJson.version,
          capabilityPrefix: "/leliaRTC",
          locale: "zh-CN",
        }),
      );
      expect(zh.info.description).toMatch(/^可自托管、兼容 HiAR 的协作会话服务/);
      expect(zh.info.description).toContain("## 认证");
      expect({ ...zh, info: { ...zh.info, description: "" } }).toEqual({
        ...document,
        info: { ...document.info, description: "" },
      });
      // Any other value: the English document.
      const other = await fetch(`${server.baseUrl}/openapi.json?lang=xx`);
      expect(await other.json()).toEqual(document);
    });

    it("links the reference from the home page", async () => {
      const html = await (await fetch(server.baseUrl)).text();
      expect(html).toContain('href="/docs"');
    });
  });

  describe.each(operations.map((o) => [o.path, o] as const))("POST %s", (path) => {
    const invalid = { userID: "" };

    it("answers each transport and authentication error as documented", async () => {
      expectDocumented(
        path,
        await hiarPost(server, app, path, invalid, { unsigned: true }),
        401,
        "UNAUTHENTICATED",
      );
      expectDocumented(
        path,
        await hiarPost(server, app, path, invalid, { now: new Date(Date.now() - 600_000) }),
        401,
        "REQUEST_EXPIRED",
      );
      const nonce = crypto.randomUUID();
      expectDocumented(
        path,
        await hiarPost(server, app, path, invalid, { nonce }),
        400,
        "INVALID_PARAM",
      );
      expectDocumented(
        path,
        await hiarPost(server, app, path, invalid, { nonce }),
        401,
        "NONCE_REUSED",
      );
      expectDocumented(
        path,
        await hiarPost(server, app, path, null, {
          rawBody: "hello",
          headers: { "content-type": "text/plain" },
        }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      );
      expectDocumented(
        path,
        await hiarPost(server, app, path, null, {
          rawBody: JSON.stringify({ padding: "x".repeat(LIMITS.maxBodyBytes) }),
        }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
    });
  });

  describe("the HiAR operations' answers", () => {
    async function created(ruleSettings: Record<string, unknown> = {}) {
      const creator = user("alice");
      const response = await hiarPost(server, app, "/create", {
        userID: creator,
        members: [{ userID: user("bob"), roles: [1] }],
        ruleSettings,
      });
      expectDocumented("/create", response, 200);
      const { data } = response.body as { data: { collaborationID: string; sessionID: string } };
      return { creator, collaborationID: data.collaborationID, sessionID: data.sessionID };
    }

    it("success of create, invite and query, also under the prefix", async () => {
      const { creator, ...ids } = await created();
      const member = user("carol");
      const invite = await hiarPost(server, app, "/leliaRTC/session/invite", {
        ...ids,
        userID: creator,
        members: [{ userID: member, confirmState: 1, deviceType: "2" }],
      });
      expectDocumented("/session/invite", invite, 200);
      const query = await hiarPost(server, app, "/user/query", { userID: member, history: true });
      expectDocumented("/user/query", query, 200);
      expect((query.body as { data: { infos: unknown[] } }).data.infos).toHaveLength(1);
    });

    it("the invite's own errors", async () => {
      const { creator, ...ids } = await created({ numberLimit: 2 });
      const invite = (body: Record<string, unknown>) =>
        hiarPost(server, app, "/session/invite", { ...ids, userID: creator, ...body });
      expectDocumented(
        "/session/invite",
        await invite({ userID: user("stranger"), members: [{ userID: user("x") }] }),
        403,
        "PERMISSION_DENIED",
      );
      expectDocumented(
        "/session/invite",
        await invite({ sessionID: "0".repeat(32), members: [{ userID: user("x") }] }),
        404,
        "NOT_FOUND",
      );
      expectDocumented(
        "/session/invite",
        await invite({
          members: [{ userID: user("p") }, { userID: user("q") }, { userID: user("r") }],
        }),
        409,
        "MEMBER_LIMIT_EXCEEDED",
      );
      expectDocumented(
        "/session/invite",
        await invite({ members: [{ userID: creator }] }),
        400,
        "INVALID_PARAM",
      );
    });

    // The lifecycle operations (docs/hiar-api.md, "The call lifecycle"), when present: answering a call, and a refused
    // transition (INVALID_STATE).
    it.runIf("acceptCall" in HIAR_OPERATIONS)("a lifecycle success and INVALID_STATE", async () => {
      const { creator, ...ids } = await created();
      const member = user("dave");
      expectDocumented(
        "/session/invite",
        await hiarPost(server, app, "/session/invite", {
          ...ids,
          userID: creator,
          members: [{ userID: member }],
        }),
        200,
      );
      const accept = () => hiarPost(server, app, "/session/accept", { ...ids, userID: member });
      expectDocumented("/session/accept", await accept(), 200);
      expectDocumented("/session/accept", await accept(), 409, "INVALID_STATE");
    });
  });

  it.runIf(target === "postgres")(
    "UNAVAILABLE (503, Retry-After) while the database is down",
    async () => {
      const databaseUrl = server.databaseUrl;
      if (databaseUrl === undefined) throw new Error("the postgres target has a database URL");
      const restore = await cutDatabase(databaseUrl);
      try {
        const response = await hiarPost(server, app, "/user/query", { userID: user("u") });
        expectDocumented("/user/query", response, 503, "UNAVAILABLE");
        expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      } finally {
        await restore();
      }
      // And back once it is reachable again.
      const after = await hiarPost(server, app, "/user/query", { userID: user("u") });
      expectDocumented("/user/query", after, 200);
    },
  );

  it("reached every catalogue error but the unreachable ones over HTTP", () => {
    const reasons = new Set([...seen].map((entry) => entry.split(" ")[2]));
    const unreachable: ErrorReason[] = ["RATE_LIMITED", "INTERNAL"]; // no rate limiter; no bug
    if (target !== "postgres") unreachable.push("UNAVAILABLE");
    if (!("acceptCall" in HIAR_OPERATIONS)) unreachable.push("INVALID_STATE");
    const expected = Object.keys(ERROR_CATALOGUE).filter(
      (reason) => !unreachable.includes(reason as ErrorReason),
    );
    expect([...reasons].filter((r) => r !== "SUCCESS").sort()).toEqual(expected.sort());
  });
});
