import { randomUUID } from "node:crypto";
import { CreateCollaborationResponse } from "@collab/contracts";
import { adapterTestTargets } from "@collab/db/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./browser";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// The console's webhook screen end to end: the production build in a real Chromium, its worker
// POSTing to a real signed receiver on this machine, per database. Screenshots go to
// apps/web/screenshots/webhook-<target>/ (git-ignored).

/** The log's first page (DELIVERIES_PAGE_SIZE in src/console/webhook-deliveries.tsx). */
const PAGE_SIZE = 25;

describe.each(adapterTestTargets())("the console's webhook screen on %s", (target) => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let app: Credentials;
  let receiver: WebhookReceiver;
  let receiverUrl: string;
  let received: WebhookReceiver["received"];
  /** The receiver answers 500 while this is set, then 200. */
  let failing = true;
  const suffix = randomUUID().slice(0, 6);
  /** Sessions made over REST: a big one (to fill more than a page) and a small one. */
  const sessions: { big?: string; small?: string } = {};
  let events = 0;

  const url = (path: string) => `${server.baseUrl}${path}`;
  const rows = () => page.getByTestId("delivery-row");
  const rowAttributes = (name: string) =>
    rows().evaluateAll((items, n) => items.map((item) => item.getAttribute(n) ?? ""), name);

  /** Creates a collaboration over signed REST and rings `ring` members; returns the session. */
  async function callWith(ring: number, label: string): Promise<string> {
    const creator = `${label}-${suffix}`;
    const created = await hiarPost(server, app, "/create", { userID: creator, detail: label });
    expect(created.status, created.text).toBe(200);
    const { data } = CreateCollaborationResponse.parse(created.body);
    const invited = await hiarPost(server, app, "/session/invite", {
      collaborationID: data.collaborationID,
      sessionID: data.sessionID,
      userID: creator,
      members: Array.from({ length: ring }, (_, i) => ({ userID: `${label}-m${i}-${suffix}` })),
    });
    expect(invited.status, invited.text).toBe(200);
    // session.created, member.added (the creator), one member.invited per rung member.
    events += 2 + ring;
    return data.sessionID;
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver({
      path: "/hooks/hiar",
      lookupSecret: (id) => (id === app?.id ? app.secret : null),
      respond: () => (failing ? 500 : 200),
    });
    receiverUrl = receiver.url;
    received = receiver.received;
    server = await startTestServer(target, {
      appCount: 1,
      env: {
        WORKER_POLL_INTERVAL_MS: "100",
        WEBHOOK_BACKOFF_BASE_SECONDS: "0.2",
        WEBHOOK_BACKOFF_MAX_SECONDS: "1",
        // Shown on the page as configured (not the defaults' 5 s / 24 h).
        WEBHOOK_TIMEOUT_SECONDS: "4",
        WEBHOOK_MAX_AGE_HOURS: "36",
      },
    });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    browser = await launchBrowser(`webhook-${target}`);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
  });

  it("reaches the screen from the header and shows no webhook and an empty log", async () => {
    await page.goto(url("/console/sign-in"));
    await page.getByLabel("APPID").fill(app.id);
    await page.getByLabel("Secret").fill(app.secret);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(url("/console"));

    const nav = page.getByRole("navigation", { name: "Console" });
    expect(
      await nav.getByRole("link", { name: "Collaborations" }).getAttribute("aria-current"),
    ).toBe("page");
    await nav.getByRole("link", { name: "Webhook" }).click();
    await page.waitForURL(url("/console/webhook"));
    expect(await nav.getByRole("link", { name: "Webhook" }).getAttribute("aria-current")).toBe(
      "page",
    );
    expect(
      await nav.getByRole("link", { name: "Collaborations" }).getAttribute("aria-current"),
    ).toBeNull();

    await page.getByTestId("webhook-url").getByText("No webhook").waitFor();
    await page.getByText("No deliveries yet").waitFor();
    const description = ((await page.getByTestId("webhook-settings").textContent()) ?? "").replace(
      /\s+/g,
      " ",
    );
    expect(description).toContain("or none within 4 s,");
    expect(description).toContain("for up to 36 h.");
    await page.locator('[data-testid="backlog-events"][data-value="0"]').waitFor();
    expect(await page.getByRole("button", { name: "Remove webhook" }).count()).toBe(0);
    expect(await page.title()).toContain("Webhook");
    await browser.screenshot(page, "01-webhook-none");
  });

  it("refuses a bad URL next to the field: the contract in the browser, the server's own rules", async () => {
    const input = page.getByLabel("Webhook URL", { exact: true });
    // Caught in the browser by the same zod contract webhook.set uses.
    await input.fill("example.com/hook");
    await page.getByRole("button", { name: "Set webhook" }).click();
    const local = page.getByText("INVALID_PARAM · url: must be an http(s) URL");
    await local.waitFor();
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await input.getAttribute("aria-describedby")).toContain(await local.getAttribute("id"));
    await browser.screenshot(page, "02-webhook-invalid-url");

    // Passes the contract, refused by the server (credentials would be logged with each attempt).
    await input.fill("http://user:secret@127.0.0.1/hook");
    await page.getByRole("button", { name: "Set webhook" }).click();
    const remote = page.getByText(
      "INVALID_PARAM · url: The webhook URL must not contain credentials.",
    );
    await remote.waitFor();
    expect(await input.getAttribute("aria-describedby")).toContain(await remote.getAttribute("id"));
    expect(await page.getByTestId("webhook-url").getAttribute("data-url")).toBe("");
  });

  it("sets the URL", async () => {
    const input = page.getByLabel("Webhook URL", { exact: true });
    await input.fill(receiverUrl);
    await page.getByRole("button", { name: "Set webhook" }).click();
    await page.getByText("Saved. New events go to this URL.").waitFor();
    await page.locator(`[data-testid="webhook-url"][data-url="${receiverUrl}"]`).waitFor();
    expect(await input.getAttribute("aria-invalid")).not.toBe("true");
    await page.getByRole("button", { name: "Save URL" }).waitFor();
    await page.getByRole("button", { name: "Remove webhook" }).waitFor();
  });

  it("logs each attempt as it happens: failed with HTTP 500 first, then delivered with 200", async () => {
    // Enough events for more than one page of the log.
    sessions.big = await callWith(22, "big");
    sessions.small = await callWith(2, "small");
    expect(events).toBeGreaterThan(PAGE_SIZE);

    // The receiver fails: the open page shows the attempts by itself (no reload), and the
    // backlog says which sessions are stuck.
    const failed = page.locator('[data-testid="delivery-row"][data-outcome="FAILED"]');
    await failed.first().waitFor({ timeout: 15_000 });
    expect(await failed.first().getAttribute("data-status")).toBe("500");
    const error = failed.first().getByTestId("delivery-error");
    expect(await error.textContent()).toBe("HTTP 500");
    expect(await error.getAttribute("title")).toBe("HTTP 500");
    await page
      .locator('[data-testid="backlog-failing"]:not([data-value="0"])')
      .waitFor({ timeout: 15_000 });
    expect(
      Number(await page.getByTestId("backlog-events").getAttribute("data-value")),
    ).toBeGreaterThan(0);
    expect(
      await rows().evaluateAll((items) => items.map((i) => i.getAttribute("data-outcome"))),
    ).not.toContain("DELIVERED");
    await browser.screenshot(page, "03-webhook-log-failing");

    // The receiver recovers: the retries are delivered, then everything after them.
    failing = false;
    await page
      .locator('[data-testid="delivery-row"][data-outcome="DELIVERED"][data-status="200"]')
      .first()
      .waitFor({ timeout: 20_000 });

    // Every event reaches the receiver, signed; then the log's first page is full, newest first.
    await expect
      .poll(
        () => new Set(received.filter((r) => r.status === 200).map((r) => r.event.eventID)).size,
        {
          timeout: 30_000,
        },
      )
      .toBe(events);
    expect(received.every((r) => r.verified)).toBe(true);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(PAGE_SIZE);
    await page.locator('[data-testid="backlog-events"][data-value="0"]').waitFor();
    await page.locator('[data-testid="backlog-failing"][data-value="0"]').waitFor();
    // The newest attempt is a delivery; its session links to the session page.
    const first = rows().first();
    expect(await first.getAttribute("data-outcome")).toBe("DELIVERED");
    const session = (await first.getAttribute("data-session")) ?? "";
    expect([sessions.big, sessions.small]).toContain(session);
    expect(
      await first
        .getByRole("link", { name: `Session ${session}`, exact: true })
        .getAttribute("href"),
    ).toBe(`/console/sessions/${session}`);
    await browser.screenshot(page, "04-webhook-log");
  }, 90_000);

  it("pages back with Older and returns with Newest", async () => {
    const newestFirst = await rowAttributes("data-seq");
    await page.getByRole("button", { name: "Older" }).click();
    await page.waitForURL(/\/console\/webhook\?before=\d+$/);
    await page.locator('[data-testid="log-refresh"][data-live="false"]').waitFor();
    // Every attempt the receiver saw is logged: the rest of them are on this page.
    await expect.poll(() => rows().count()).toBe(Math.min(PAGE_SIZE, received.length - PAGE_SIZE));
    // The oldest attempts: the ones that failed are among them.
    expect(await rowAttributes("data-outcome")).toContain("FAILED");
    if (received.length <= 2 * PAGE_SIZE) {
      expect(await page.getByRole("button", { name: "Older" }).isDisabled()).toBe(true);
    }
    await browser.screenshot(page, "05-webhook-log-older");

    await page.getByRole("button", { name: "Newest" }).click();
    await page.waitForURL(url("/console/webhook"));
    await page.locator('[data-testid="log-refresh"][data-live="true"]').waitFor();
    await expect.poll(() => rowAttributes("data-seq")).toEqual(newestFirst);
    expect(await page.getByRole("button", { name: "Newest" }).isDisabled()).toBe(true);
  });

  it("filters by session", async () => {
    const small = sessions.small ?? "";
    await page.getByLabel("Session ID").fill(small);
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.waitForURL(url(`/console/webhook?session=${small}`));
    await page.getByTestId("log-filter").waitFor();
    // session.created, member.added and two member.invited, each once (or more if it failed).
    await expect
      .poll(async () => [...new Set(await rowAttributes("data-session"))])
      .toEqual([small]);
    const seqs = (await rowAttributes("data-seq")).map(Number);
    expect([...new Set(seqs)]).toEqual([4, 3, 2, 1]);
    await browser.screenshot(page, "06-webhook-log-filtered");

    await page.getByRole("link", { name: "Show all" }).click();
    await page.waitForURL(url("/console/webhook"));
    await expect.poll(() => rows().count()).toBe(PAGE_SIZE);
  });

  it("is linked from the session page, filtered to that session", async () => {
    const big = sessions.big ?? "";
    await page.goto(url(`/console/sessions/${big}`));
    const nav = page.getByRole("navigation", { name: "Console" });
    expect(
      await nav.getByRole("link", { name: "Collaborations" }).getAttribute("aria-current"),
    ).toBe("page");
    await page.getByRole("link", { name: "Webhook deliveries for this session" }).click();
    await page.waitForURL(url(`/console/webhook?session=${big}`));
    expect(await page.getByLabel("Session ID").inputValue()).toBe(big);
    await expect.poll(async () => [...new Set(await rowAttributes("data-session"))]).toEqual([big]);
    // Its 24 events (more attempts if some of them failed).
    expect(await rows().count()).toBeGreaterThanOrEqual(24);
    // The full error text is a hover away (the cell itself truncates).
    const failed = page.locator('[data-testid="delivery-row"][data-outcome="FAILED"]');
    if ((await failed.count()) > 0) {
      await failed.first().getByTestId("delivery-error").hover();
      await page.getByRole("tooltip").filter({ hasText: "HTTP 500" }).waitFor();
    }
    await browser.screenshot(page, "07-webhook-from-session");
  });

  it("fits a phone screen, as cards", async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    try {
      await phone.goto(url("/console/webhook"));
      await phone.getByTestId("delivery-card").first().waitFor();
      expect(await phone.getByTestId("delivery-card").count()).toBe(PAGE_SIZE);
      await phone.locator(`[data-testid="webhook-url"][data-url="${receiverUrl}"]`).waitFor();
      await browser.screenshot(phone, "08-webhook-phone");
      const overflow = await phone.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);

      await phone.emulateMedia({ colorScheme: "dark" });
      await phone.goto(url(`/console/webhook?session=${sessions.small ?? ""}`));
      await phone.getByTestId("delivery-card").first().waitFor();
      await browser.screenshot(phone, "09-webhook-phone-dark-filtered");
    } finally {
      await phone.close();
    }
  });

  it("changes the URL: earlier attempts say where they went", async () => {
    await page.goto(url("/console/webhook"));
    const moved = `${receiverUrl}?v=2`;
    await page.getByLabel("Webhook URL", { exact: true }).fill(moved);
    await page.getByRole("button", { name: "Save URL" }).click();
    await page.locator(`[data-testid="webhook-url"][data-url="${moved}"]`).waitFor();
    await expect
      .poll(() => rows().first().getByTestId("delivery-url").textContent())
      .toBe(`to ${receiverUrl}`);
    await browser.screenshot(page, "10-webhook-url-changed");
  });

  it("removes the webhook after confirmation: later events are not sent", async () => {
    await page.goto(url("/console/webhook"));
    const moved = `${receiverUrl}?v=2`;
    await page.getByRole("button", { name: "Remove webhook" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove the webhook?" });
    await dialog.getByText(moved).waitFor();
    await browser.screenshot(page, "11-webhook-remove-confirm");
    // Keeping it changes nothing.
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await page.getByTestId("webhook-url").getAttribute("data-url")).toBe(moved);

    await page.getByRole("button", { name: "Remove webhook" }).click();
    await dialog.getByRole("button", { name: "Remove webhook" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("Webhook removed. Events are no longer sent.").waitFor();
    await page.getByTestId("webhook-url").getByText("No webhook").waitFor();
    expect(await page.getByLabel("Webhook URL", { exact: true }).inputValue()).toBe("");
    // The log stays (with no webhook set, it does not point out where each attempt went).
    expect(await rows().count()).toBe(PAGE_SIZE);
    expect(await page.getByTestId("delivery-url").count()).toBe(0);
    await browser.screenshot(page, "12-webhook-removed");

    // Deliveries of earlier events may still land (a loaded machine); none of these events may.
    const after = await callWith(1, "after");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(received.filter((r) => r.event.sessionID === after)).toEqual([]);
  });
});
