import { signRequestHeaders } from "@collab/hiar-auth";
import { describe, expect, it } from "vitest";
import { MemoryNonceStore } from "./nonce-store";
import { verifyWebhook } from "./webhook";

// A webhook as the service sends it: a POST signed with the app's id and secret.

const appId = "hiar0123456789abcdef";
const secret = "webhook-test-secret-0123456789ab";
const url = "https://receiver.example.com/hooks/hiar?source=collab";

function webhook(overrides: { secret?: string; now?: Date; nonce?: string; url?: string } = {}) {
  const target = overrides.url ?? url;
  const headers = signRequestHeaders({
    appId,
    secret: overrides.secret ?? secret,
    method: "POST",
    url: target,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.nonce ? { nonce: overrides.nonce } : {}),
  });
  return new Request(target, { method: "POST", headers, body: JSON.stringify({ id: "evt1" }) });
}

describe("verifyWebhook", () => {
  it("accepts a signed webhook once, then refuses its replay", async () => {
    const nonceStore = new MemoryNonceStore();
    const request = webhook();
    const first = await verifyWebhook(request, secret, { nonceStore });
    expect(first).toMatchObject({ ok: true, appId });
    const replay = await verifyWebhook(request, secret, { nonceStore });
    expect(replay).toEqual({
      ok: false,
      reason: "NONCE_REUSED",
      message: expect.any(String),
      httpStatus: 401,
    });
  });

  it("refuses another secret without remembering its nonce", async () => {
    const nonceStore = new MemoryNonceStore();
    const forged = await verifyWebhook(
      webhook({ secret: "not-the-secret", nonce: "n-1" }),
      secret,
      {
        nonceStore,
      },
    );
    expect(forged).toMatchObject({ ok: false, reason: "UNAUTHENTICATED" });
    expect(nonceStore.size).toBe(0);
    expect(await verifyWebhook(webhook({ nonce: "n-1" }), secret, { nonceStore })).toMatchObject({
      ok: true,
    });
  });

  it("refuses dates outside the window, both ways, and takes its edges", async () => {
    // The date header has whole seconds: a fixed, whole-second clock keeps the edges exact.
    const now = new Date("2026-03-01T12:00:00.000Z");
    const at = (offsetMs: number) => webhook({ now: new Date(now.getTime() + offsetMs) });
    for (const offset of [-301_000, 301_000]) {
      expect(await verifyWebhook(at(offset), secret, { now })).toMatchObject({
        ok: false,
        reason: "REQUEST_EXPIRED",
      });
    }
    for (const offset of [-300_000, 300_000]) {
      expect(await verifyWebhook(at(offset), secret, { now })).toMatchObject({ ok: true });
    }
    expect(await verifyWebhook(at(-100_000), secret, { now, windowSeconds: 60 })).toMatchObject({
      reason: "REQUEST_EXPIRED",
    });
  });

  it("refuses missing headers, a changed path, and another app id when one is expected", async () => {
    expect(
      await verifyWebhook(new Request(url, { method: "POST", body: "{}" }), secret),
    ).toMatchObject({ ok: false, reason: "UNAUTHENTICATED" });
    const signed = webhook();
    const moved = new Request("https://receiver.example.com/other", {
      method: "POST",
      headers: signed.headers,
    });
    expect(await verifyWebhook(moved, secret)).toMatchObject({ reason: "UNAUTHENTICATED" });
    expect(await verifyWebhook(webhook(), secret, { appId: "hiarsomeoneelse000" })).toMatchObject({
      reason: "UNAUTHENTICATED",
    });
  });

  it("takes a Node IncomingMessage-like request (raw path and plain headers)", async () => {
    const request = webhook();
    const headers = Object.fromEntries(request.headers);
    const verified = await verifyWebhook(
      { method: "POST", url: "/hooks/hiar?source=collab", headers },
      secret,
    );
    expect(verified).toMatchObject({ ok: true, appId });
  });
});

describe("MemoryNonceStore", () => {
  it("forgets a nonce once it expires, and stays within its size", () => {
    let now = 1_000;
    const store = new MemoryNonceStore({ maxEntries: 2, now: () => now });
    expect(store.remember("a", 2_000)).toBe(true);
    expect(store.remember("a", 2_000)).toBe(false);
    now = 2_001;
    expect(store.remember("a", 3_000)).toBe(true);
    expect(store.remember("b", 3_000)).toBe(true);
    expect(store.remember("c", 3_000)).toBe(true); // full: the oldest goes
    expect(store.size).toBe(2);
  });
});
