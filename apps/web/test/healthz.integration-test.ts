import { testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { startTestServer, type TestServer } from "./server";

describe.each(testDatabaseTargets())("GET /healthz on %s", (target) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 0 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers 200 with the version and a reachable database", async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "ok",
      version: packageJson.version,
      database: { ok: true },
    });
    const database = body.database as { latencyMs: number; serverVersion: string };
    expect(database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(database.serverVersion).toMatch(/^\d+(\.\d+)?/);
  });

  it("serves the home page", async () => {
    const response = await fetch(server.baseUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Collaboration sessions");
  });
});
