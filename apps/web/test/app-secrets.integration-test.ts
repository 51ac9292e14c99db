import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import {
  createApp,
  createSecretBox,
  rotateAppSecret,
  sealedKeyId,
  secretKeyId,
  useAppSecretKeys,
} from "@collab/db";
import { adapterTestTargets, createTestDatabase, type TestDatabase } from "@collab/db/testing";
import { signRequestHeaders } from "@collab/hiar-auth";
import { createMetrics } from "@collab/metrics";
import { loadSettings } from "@collab/settings";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, createAppServer } from "../src/entry/app-server";
import { send } from "./raw-http";

// App secret rotation and encryption at rest through the REST path: the server entry in-process,
// real HTTP, a real database. Each server starts with an empty secret cache, so a change to the
// stored expiry is seen at once (no waiting for the cache's TTL).

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const idOf = (key: string) => secretKeyId(Buffer.from(key, "base64"));

describe.each(adapterTestTargets())("app secrets over REST on %s", (target) => {
  let db: TestDatabase;
  const servers: AppServer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    useAppSecretKeys({});
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A server entry on `db` with the given keys (as createDb applies the settings' keys). */
  async function start(keys: { current?: string; previous?: string[] }) {
    useAppSecretKeys(keys);
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const server = createAppServer({
      settings: loadSettings({ PORT: "0", HOST: "127.0.0.1", WORKER_IN_SERVER: "0" }),
      db,
      next: async (_req, res) => {
        res.writeHead(404);
        res.end();
      },
      worker: null,
      metrics: createMetrics(),
      log: pino({ level: "info", base: undefined }, stream),
    });
    servers.push(server);
    const { port } = await server.listen();
    return { port, lines };
  }

  /** A signed /user/query: 200 when the signature is accepted. */
  function query(port: number, appId: string, secret: string, nonce = randomUUID()) {
    return send(port, {
      method: "POST",
      path: "/user/query",
      headers: {
        "content-type": "application/json",
        ...signRequestHeaders({
          appId,
          secret,
          method: "POST",
          url: new URL("/user/query", `http://127.0.0.1:${port}`),
          nonce,
        }),
      },
      body: JSON.stringify({ userID: "someone" }),
    });
  }

  async function endOverlap(appId: string) {
    await db.prisma.$executeRaw`
      UPDATE "app" SET "previous_secret_expires_at" = now() - interval '1 second'
      WHERE "id" = ${appId}`;
  }

  it("during the overlap both secrets sign, nonces still count once; after it only the new one", async () => {
    const box = createSecretBox({ current: keyA });
    const app = await createApp(db.prisma, { name: "rotating over REST", secretBox: box });
    const rotated = await rotateAppSecret(db.prisma, app.id, { overlapMs: 3_600_000, box });
    const { port } = await start({ current: keyA });

    expect((await query(port, app.id, app.secret)).status).toBe(200);
    expect((await query(port, app.id, rotated.secret)).status).toBe(200);
    // A nonce spent with one secret is spent for the other too.
    const nonce = randomUUID();
    expect((await query(port, app.id, app.secret, nonce)).status).toBe(200);
    const replay = await query(port, app.id, rotated.secret, nonce);
    expect(replay.status).toBe(401);
    expect(replay.body).toContain("NONCE_REUSED");
    const wrong = await query(port, app.id, "not-a-secret-of-this-app-0000000");
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("UNAUTHENTICATED");

    await endOverlap(app.id);
    const after = await start({ current: keyA });
    const old = await query(after.port, app.id, app.secret);
    expect(old.status).toBe(401);
    expect(old.body).toContain("UNAUTHENTICATED");
    expect((await query(after.port, app.id, rotated.secret)).status).toBe(200);
  });

  it("secrets stored under a previous key still sign; under an unknown key: 503, the key id logged, no secret", async () => {
    const underA = createSecretBox({ current: keyA });
    const app = await createApp(db.prisma, { name: "key rotation", secretBox: underA });
    const rows = await db.prisma.$queryRaw<{ secret: string }[]>`
      SELECT "secret" FROM "app" WHERE "id" = ${app.id}`;
    expect(sealedKeyId(rows[0]?.secret ?? "")).toBe(idOf(keyA));
    expect(rows[0]?.secret).not.toContain(app.secret);

    const rolled = await start({ current: keyB, previous: [keyA] });
    expect((await query(rolled.port, app.id, app.secret)).status).toBe(200);

    const lost = await start({ current: keyB });
    const refused = await query(lost.port, app.id, app.secret);
    expect(refused.status).toBe(503);
    expect(refused.body).toContain("UNAVAILABLE");
    expect(refused.headers["retry-after"]).toBeDefined();
    const log = lost.lines.join("");
    expect(log).toContain(idOf(keyA));
    expect(log).not.toContain(app.secret);
    expect(log).not.toContain(rows[0]?.secret ?? "-");
  });
});
