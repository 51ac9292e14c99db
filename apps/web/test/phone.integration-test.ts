import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { adapterTestTargets } from "@collab/db/testing";
import { createHiarClient, createUserToken } from "@collab/sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_ACTION_TIMEOUT_MS, launchChromium, SCREENSHOT_DIR } from "./browser";
import { startTestServer, type TestServer } from "./server";

// The whole loop in real Chromium against the production build: bob has the web phone open on
// two devices (two browser profiles, two device ids), the operator rings him from the console,
// both phones ring within a second, one accepts, the other says it was answered on another
// device and stops ringing, and the console shows bob talking. Then the console's "Open as"
// opens a phone for a member.

const RING_WITHIN_MS = 1_000;

describe.each(adapterTestTargets())("the web phone on %s", (target) => {
  let server: TestServer;
  let chromium: Browser;
  const contexts: BrowserContext[] = [];
  let app: { id: string; secret: string };
  const suffix = `${target}-${Date.now().toString(36)}`;
  const alice = `alice-${suffix}`;
  const bob = `bob-${suffix}`;
  let sessionID = "";
  let operator: Page;
  const url = (path: string) => `${server.baseUrl}${path}`;
  const shots = join(SCREENSHOT_DIR, `phone-${target}`);
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: true, animations: "disabled" });

  async function newPage(): Promise<Page> {
    const context = await chromium.newContext({
      viewport: { width: 900, height: 800 },
      locale: "en-GB",
      colorScheme: "light",
    });
    context.setDefaultTimeout(BROWSER_ACTION_TIMEOUT_MS);
    contexts.push(context);
    return context.newPage();
  }
  async function openPhone(deviceID: string): Promise<Page> {
    const token = await createUserToken({
      appId: app.id,
      secret: app.secret,
      userID: bob,
      deviceID,
      ttlSeconds: 600,
    });
    const page = await newPage();
    await page.goto(url(`/phone#token=${encodeURIComponent(token)}`));
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    // The token left the address bar.
    expect(page.url()).toBe(url("/phone"));
    await page.getByText(`Signed in as ${bob} · device ${deviceID}`).waitFor();
    return page;
  }

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    server = await startTestServer(target, { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    chromium = await launchChromium();
    const hiar = createHiarClient({ baseUrl: server.baseUrl, appId: app.id, secret: app.secret });
    ({ sessionID } = await hiar.createCollaboration({ userID: alice, detail: "Pump 4 check" }));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await chromium?.close();
    await server?.stop();
  });

  it("the operator rings bob; both phones ring; one accepts; the other stops; bob talks", async () => {
    const [phone, laptop] = await Promise.all([openPhone("bob-phone"), openPhone("bob-laptop")]);
    for (const device of [phone, laptop]) {
      await device.getByText("No incoming calls.").waitFor();
      expect(await device.getByTestId("phone").getAttribute("data-ringing")).toBe("false");
    }

    operator = await newPage();
    await operator.goto(url("/console/sign-in"));
    await operator.getByLabel("APPID").fill(app.id);
    await operator.getByLabel("Secret").fill(app.secret);
    await operator.getByRole("button", { name: "Sign in", exact: true }).click();
    await operator.waitForURL(url("/console"));
    await operator.goto(url(`/console/sessions/${sessionID}`));
    await operator.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    const invitees = operator.getByRole("combobox", { name: "Members to ring" });
    await invitees.fill(bob);
    await invitees.press("Enter");
    const rungAt = Date.now();
    await operator.getByRole("button", { name: "Ring members" }).click();

    // Both ring: the card (who, which collaboration, what media), the tone on.
    for (const device of [phone, laptop]) {
      const ring = device.getByTestId("ring");
      await ring.waitFor();
      await ring.getByRole("heading", { name: `${alice} is calling` }).waitFor();
      await ring.getByText("Pump 4 check").waitFor();
      await device.locator('[data-testid="phone"][data-ringing="true"]').waitFor();
      await device.locator('[data-testid="phone"][data-tone="playing"]').waitFor();
      const receivedAt = Number(await ring.getAttribute("data-received-at"));
      expect(receivedAt - rungAt).toBeLessThan(RING_WITHIN_MS);
    }
    await shot(phone, "01-ringing");

    // The phone answers from the keyboard: Accept has the focus.
    const accept = phone.getByRole("button", { name: `Accept the call from ${alice}` });
    await expect.poll(() => accept.evaluate((el) => el === document.activeElement)).toBe(true);
    await phone.keyboard.press("Enter");

    await laptop.getByText("Answered on another device").waitFor();
    await laptop.locator('[data-testid="phone"][data-ringing="false"]').waitFor();
    await laptop.locator('[data-testid="phone"][data-tone="silent"]').waitFor();
    expect(await laptop.getByTestId("ring").count()).toBe(0);
    await shot(laptop, "02-answered-elsewhere");

    const call = phone.getByTestId("call");
    await call.waitFor();
    await call.getByText(`${bob}: Talking`).waitFor();
    await phone.locator('[data-testid="phone"][data-tone="silent"]').waitFor();
    expect(await phone.getByTestId("notice-elsewhere").count()).toBe(0);
    await shot(phone, "03-in-call");

    const row = operator.locator(`[data-testid="member-row"][data-user="${bob}"]`);
    await row.locator('[data-state="MEMBER_TALKING"]').waitFor();
    await shot(operator, "04-console-bob-talking");

    // Leaving from the phone: the console shows it.
    await call.getByRole("button", { name: /^Leave/ }).click();
    await phone.getByText("You are not in a call.").waitFor();
    await row.locator('[data-state="MEMBER_LEFT"]').waitFor();
  }, 120_000);

  it("the console's “Open as” opens the phone as that member, on a device of its own", async () => {
    const row = operator.locator(`[data-testid="member-row"][data-user="${alice}"]`);
    const [opened] = await Promise.all([
      operator.context().waitForEvent("page"),
      row.getByRole("button", { name: `Open phone as ${alice}` }).click(),
    ]);
    await opened.waitForURL(url("/phone"));
    await opened.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    await opened.getByText(new RegExp(`^Signed in as ${alice} · device console-`)).waitFor();
    await shot(opened, "05-open-as");
  }, 60_000);

  it("without a token the phone asks for one, and refuses what is not a token", async () => {
    const page = await newPage();
    await page.goto(url("/phone"));
    const field = page.getByRole("textbox", { name: "User token" });
    await field.fill("not a token");
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByText("This does not look like a user token.").waitFor();
  });
});
