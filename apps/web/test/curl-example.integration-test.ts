import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { adapterTestTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server";

// examples/curl-invite.sh (README): curl + openssl only, against the real server.

const script = fileURLToPath(new URL("../../../examples/curl-invite.sh", import.meta.url));
const run = promisify(execFile);

describe.each(adapterTestTargets())("examples/curl-invite.sh on %s", (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  function env(extra: Record<string, string> = {}) {
    const [app] = server.apps;
    if (!app) throw new Error("an app was provisioned");
    return {
      ...process.env,
      BASE_URL: server.baseUrl,
      APP_ID: app.id,
      APP_SECRET: app.secret,
      ...extra,
    };
  }

  it("creates a collaboration and invites two members", async () => {
    const { stdout } = await run("bash", [script], { env: env() });
    expect(stdout).toMatch(/POST \/create → \{"code":0,"reason":"SUCCESS"/);
    expect(stdout).toContain(
      'POST /session/invite → {"code":0,"reason":"SUCCESS","message":"","data":{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}}',
    );
  });

  it("works under the capability prefix, and fails loudly with a wrong secret", async () => {
    await run("bash", [script], { env: env({ BASE_URL: `${server.baseUrl}/leliaRTC` }) });
    const refused = run("bash", [script], { env: env({ APP_SECRET: "wrong" }) });
    await expect(refused).rejects.toMatchObject({
      stdout: expect.stringContaining("UNAUTHENTICATED"),
    });
  });
});
