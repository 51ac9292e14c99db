import type { HiarError } from "@collab/contracts";
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from "@collab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextFor, newApp } from "./test-support";
import { getWebhook, setWebhook } from "./webhook-settings";

// webhook.set and the SSRF guard: what is visibly private is refused when the URL is set, with
// the reason and how to allow it, unless the deployment allows private networks
// (WEBHOOK_ALLOW_PRIVATE_NETWORKS=1, ctx.settings.webhooksAllowPrivateNetworks).

async function failureOf(promise: Promise<unknown>): Promise<HiarError> {
  try {
    await promise;
  } catch (error) {
    return error as HiarError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

describe.each(testDatabaseTargets())("setWebhook on %s", (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ target });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses private, loopback and link-local hosts by default (INVALID_PARAM on url)", async () => {
    const ctx = contextFor(db.prisma, await newApp(db.prisma));
    expect(ctx.settings.webhooksAllowPrivateNetworks).toBe(false);
    const error = await failureOf(setWebhook(ctx, { url: "http://10.0.0.5/admin" }));
    expect(error).toMatchObject({ name: "HiarError", reason: "INVALID_PARAM", field: "url" });
    expect(error.message).toBe(
      "url: The webhook URL's host 10.0.0.5 is in a private network; webhooks may only reach " +
        "public addresses (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 to allow private networks).",
    );
    for (const url of [
      "http://localhost:5432",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]:3000/hook",
      "http://[::ffff:192.168.0.1]/hook",
    ]) {
      expect((await failureOf(setWebhook(ctx, { url }))).reason).toBe("INVALID_PARAM");
    }
    expect((await getWebhook(ctx)).url).toBeNull();
    // Names are checked when the worker connects, not here.
    expect((await setWebhook(ctx, { url: "https://hooks.example.com/collab" })).url).toBe(
      "https://hooks.example.com/collab",
    );
  });

  it("accepts them with WEBHOOK_ALLOW_PRIVATE_NETWORKS=1", async () => {
    const ctx = contextFor(db.prisma, await newApp(db.prisma), undefined, {
      webhooksAllowPrivateNetworks: true,
    });
    expect((await setWebhook(ctx, { url: "http://127.0.0.1:8080/hook" })).url).toBe(
      "http://127.0.0.1:8080/hook",
    );
    expect((await setWebhook(ctx, { url: "http://localhost:8080/hook" })).url).toBe(
      "http://localhost:8080/hook",
    );
  });
});
