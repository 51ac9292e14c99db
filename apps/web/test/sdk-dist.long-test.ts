import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { TYPE_URLS } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server";

// @collab/sdk's published form: dist/ (the ESM build `pnpm build` makes, which turbo makes before
// the long runs) imported by plain Node, outside the workspace's TypeScript, against the real
// server. The SDK's behaviour itself is tested from source in sdk.integration-test.ts.

const dist = fileURLToPath(new URL("../../../packages/sdk/dist/index.mjs", import.meta.url));
const run = promisify(execFile);

describe.each(adapterTestTargets())("@collab/sdk's dist against the server on %s", (target) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("runs on plain Node: creates a collaboration and invites two members", async () => {
    if (!existsSync(dist)) {
      throw new Error("packages/sdk is not built: run `pnpm --filter @collab/sdk build`");
    }
    const [app] = server.apps;
    if (!app) throw new Error("an app was provisioned");
    const script = `
      const { createHiarClient } = await import(${JSON.stringify(dist)});
      const hiar = createHiarClient({ baseUrl: process.env.HIAR_BASE_URL, appId: process.env.HIAR_APP_ID, secret: process.env.HIAR_APP_SECRET });
      const { collaborationID, sessionID } = await hiar.createCollaboration({ userID: "dist" });
      console.log(JSON.stringify(await hiar.inviteSession({ collaborationID, sessionID, userID: "dist", members: [{ userID: "m1" }, { userID: "m2" }] })));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      env: {
        ...process.env,
        HIAR_BASE_URL: server.baseUrl,
        HIAR_APP_ID: app.id,
        HIAR_APP_SECRET: app.secret,
      },
    });
    expect(JSON.parse(stdout)).toEqual({ "@type": TYPE_URLS.Empty, value: {} });
  });
});
