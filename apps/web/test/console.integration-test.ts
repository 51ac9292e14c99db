import { randomUUID } from "node:crypto";
import { adapterTestTargets } from "@collab/db/testing";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./browser";
import { type Credentials, hiarPost } from "./hiar-client";
import { startTestServer, type TestServer } from "./server";

// The operator console end to end: the production build in a real Chromium, per database. Each
// step saves a screenshot under apps/web/screenshots/<target>/ (git-ignored).

/** Live updates must reach an open page within this long (docs/decisions.md, "The console"). */
const LIVE_WITHIN_MS = 2_000;

interface TrpcError {
  error: { message: string; data: { code: string; hiar: { reason: string } } };
}

describe.each(adapterTestTargets())("operator console on %s", (target) => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let appA: Credentials;
  let appB: Credentials;
  /** The session the tests build up: created in the UI, then invited into. */
  let ids: { collaborationID: string; sessionID: string } | undefined;
  const suffix = randomUUID().slice(0, 6);
  const alice = `alice-${suffix}`;
  const bob = `bob-${suffix}`;
  const carol = `carol-${suffix}`;
  const dave = `dave-${suffix}`;
  const erin = `erin-${suffix}`;

  const url = (path: string) => `${server.baseUrl}${path}`;
  const memberRow = (userID: string) =>
    page.locator(`[data-testid="member-row"][data-user="${userID}"]`);

  async function signIn(credentials: Credentials): Promise<void> {
    await page.goto(url("/console/sign-in"));
    await page.getByLabel("APPID").fill(credentials.id);
    await page.getByLabel("Secret").fill(credentials.secret);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  async function signOut(): Promise<void> {
    await page.getByRole("button", { name: "Account" }).click();
    await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
    await page.waitForURL(url("/console/sign-in"));
  }

  /** Another browser's session: signed in over HTTP, its cookie ("name=value"). */
  async function signInElsewhere(credentials: Credentials): Promise<string> {
    const response = await fetch(url("/api/trpc/auth.signIn"), {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ appId: credentials.id, secret: credentials.secret }),
    });
    expect(response.status).toBe(200);
    return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  }
  const meStatus = async (cookie: string) =>
    (await fetch(url("/api/trpc/auth.me"), { headers: { cookie } })).status;

  beforeAll(async () => {
    server = await startTestServer(target, { appCount: 2 });
    const [first, second] = server.apps;
    if (!first || !second) throw new Error("two apps were provisioned");
    appA = first;
    appB = second;
    browser = await launchBrowser(target);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("sends a signed-out visitor to sign-in and refuses wrong credentials without saying which part", async () => {
    await page.goto(url("/console"));
    await page.waitForURL(url("/console/sign-in"));
    await browser.screenshot(page, "01-sign-in");

    await signIn({ id: appA.id, secret: "not-the-secret" });
    const alert = page.getByRole("alert", { name: "Sign-in failed" });
    await expect.poll(() => alert.textContent()).toContain("The APPID or secret is not correct.");
    await browser.screenshot(page, "02-sign-in-refused");

    // An unknown APPID gets exactly the same answer.
    await signIn({ id: "hiar-no-such-app", secret: appA.secret });
    await expect.poll(() => alert.textContent()).toContain("The APPID or secret is not correct.");
    expect(page.url()).toBe(url("/console/sign-in"));
  });

  it("signs in with the app's credentials and shows its empty collaborations list", async () => {
    await signIn(appA);
    await page.waitForURL(url("/console"));
    await page.getByText("No collaborations yet").waitFor();
    await page.getByTestId("signed-in-app").getByText(appA.id).waitFor();
    await browser.screenshot(page, "03-collaborations-empty");

    const cookies = await browser.context.cookies(server.baseUrl);
    const session = cookies.find((c) => c.name.endsWith("collab_console"));
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true, path: "/" });
  });

  it("creates a collaboration, invites two members and sees them ringing", async () => {
    await page.getByRole("button", { name: "New collaboration" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New collaboration" });
    await dialog.getByLabel("Creator").fill(alice);
    await dialog.getByLabel("Detail").fill(`Line 3 inspection ${suffix}`);
    await dialog.getByLabel("Member limit").fill("5");
    const initial = dialog.getByRole("combobox", { name: "Initial members" });
    await initial.fill(bob);
    await initial.press("Enter");
    await browser.screenshot(page, "04-create-collaboration");
    await dialog.getByRole("button", { name: "Create" }).click();

    await page.waitForURL(/\/console\/sessions\/[0-9a-f]{32}$/);
    const sessionID = page.url().split("/").at(-1) ?? "";
    await memberRow(alice).waitFor();
    await memberRow(bob).getByText("Not rung").waitFor();
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();

    const invitees = page.getByRole("combobox", { name: "Members to ring" });
    await invitees.fill(carol);
    await invitees.press("Enter");
    await invitees.fill(dave);
    await invitees.press("Enter");
    await page.getByLabel("Device type").fill("2");
    await page.getByLabel("Roles").fill("1, 3");
    await page.getByRole("button", { name: "Ring members" }).click();

    const result = page.getByTestId("invite-result");
    await result.getByText("Invite sent to 2 members").waitFor();
    await result.locator(`[data-user="${carol}"]`).getByText("Added").waitFor();
    await result.locator(`[data-user="${dave}"]`).getByText("Added").waitFor();
    for (const userID of [carol, dave]) {
      const row = memberRow(userID);
      await row.locator('[data-state="MEMBER_CALLING"]').getByText("Ringing").waitFor();
      await row.getByText(`by ${alice}`).waitFor();
      expect(await row.textContent()).toContain("1, 3");
    }
    await page.getByText(`${alice} invited ${carol}`).waitFor();
    await page.getByText(`${alice} invited ${dave}`).waitFor();
    await browser.screenshot(page, "05-session-ringing");

    // Back on the list (the breadcrumb; the header's nav has a link of that name too), the
    // collaboration shows its counts.
    await page.getByRole("main").getByRole("link", { name: "Collaborations" }).click();
    const row = page.getByTestId("collaboration-row").filter({ hasText: suffix });
    await row.getByText("2 live · 4 total").waitFor();
    await browser.screenshot(page, "06-collaborations");
    const collaborationID = (await row.locator("[title]").first().getAttribute("title")) ?? "";
    expect(collaborationID).toMatch(/^[0-9a-f]{32}$/);
    ids = { collaborationID, sessionID };
  }, 60_000);

  it("shows the invite's error next to the field it names", async () => {
    if (!ids) throw new Error("needs the session created above");
    await page.goto(url(`/console/sessions/${ids.sessionID}`));
    const invitees = page.getByRole("combobox", { name: "Members to ring" });
    // Ringing the inviter herself is refused by the contract, at members[0].userID.
    await invitees.fill(alice);
    await invitees.press("Enter");
    await page.getByRole("button", { name: "Ring members" }).click();
    const error = page.getByText("INVALID_PARAM · members[0].userID: must not be the inviter");
    await error.waitFor();
    // Mantine links the message to its input.
    const described = await invitees.getAttribute("aria-describedby");
    expect(described ?? "").toContain(await error.getAttribute("id"));
    await browser.screenshot(page, "07-invite-error");
  });

  it("updates the open page live, without a reload, when a server invites over REST", async () => {
    if (!ids) throw new Error("needs the session created above");
    await page.goto(url(`/console/sessions/${ids.sessionID}`));
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const before = await page.getByTestId("timeline-event").count();

    const response = await hiarPost(
      server,
      appA,
      "/session/invite",
      {
        ...ids,
        userID: alice,
        members: [{ userID: erin, deviceType: 7 }],
      },
      { headers: { trace: `e2e${suffix}` } },
    );
    expect(response.status, response.text).toBe(200);
    const sentAt = Date.now();

    await page.getByText(`${alice} invited ${erin}`).waitFor({ timeout: LIVE_WITHIN_MS });
    await memberRow(erin)
      .locator('[data-state="MEMBER_CALLING"]')
      .waitFor({ timeout: LIVE_WITHIN_MS });
    const elapsed = Date.now() - sentAt;
    expect(elapsed).toBeLessThan(LIVE_WITHIN_MS);
    expect(await page.getByText(`e2e${suffix}`).count()).toBe(1);

    expect(
      await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
    // Exactly one more event, none twice.
    const seqs = await page
      .getByTestId("timeline-event")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-seq")));
    expect(seqs).toHaveLength(before + 1);
    expect(new Set(seqs).size).toBe(seqs.length);
    await browser.screenshot(page, "08-session-live-rest-invite");
  });

  it("keeps events in order and once each across a stream reconnect", async () => {
    if (!ids) throw new Error("needs the session created above");
    await page.goto(url(`/console/sessions/${ids.sessionID}`));
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    // Cut the page's network: the SSE stream drops; invites made meanwhile must still arrive.
    await browser.context.setOffline(true);
    const late = [`frank-${suffix}`, `grace-${suffix}`];
    for (const userID of late) {
      const response = await hiarPost(server, appA, "/session/invite", {
        ...ids,
        userID: alice,
        members: [{ userID }],
      });
      expect(response.status, response.text).toBe(200);
    }
    await browser.context.setOffline(false);
    for (const userID of late) {
      await page.getByText(`${alice} invited ${userID}`).waitFor({ timeout: 20_000 });
    }
    const seqs = await page
      .getByTestId("timeline-event")
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute("data-seq"))));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    // No gaps: the session's seqs are 1..n and all are shown.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs.length - i));
  }, 60_000);

  it("fits a phone screen", async () => {
    if (!ids) throw new Error("needs the session created above");
    const phone = await browser.newPage({ width: 390, height: 844 });
    try {
      await phone.goto(url(`/console/sessions/${ids.sessionID}`));
      await phone
        .locator(`[data-testid="member-card"][data-user="${carol}"]`)
        .getByText("Ringing")
        .waitFor();
      await browser.screenshot(phone, "09-session-phone");
      // The list in the dark scheme too (it follows the system setting).
      await phone.emulateMedia({ colorScheme: "dark" });
      await phone.goto(url("/console"));
      await phone.getByTestId("collaboration-card").first().waitFor();
      expect(await phone.locator("html").getAttribute("data-mantine-color-scheme")).toBe("dark");
      await browser.screenshot(phone, "10-collaborations-phone-dark");
      // Nothing wider than the screen but the tables' own scroll areas.
      const overflow = await phone.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it("shows a member's missed calls, newest first, from the members table and by userID", async () => {
    // Its own users and sessions, rung here (earlier rings may have timed out by now).
    const henry = `henry-${suffix}`;
    const ivan = `ivan-${suffix}`;
    const post = async (path: string, body: Record<string, unknown>) => {
      const response = await hiarPost(server, appA, path, body);
      expect(response.status, response.text).toBe(200);
      return response.body as { data: { collaborationID: string; sessionID: string } };
    };
    const first = (await post("/create", { userID: alice, detail: `Inspection ${suffix}` })).data;
    const one = { collaborationID: first.collaborationID, sessionID: first.sessionID };
    await post("/session/invite", {
      ...one,
      userID: alice,
      members: [{ userID: henry }, { userID: ivan }],
    });
    await post("/session/decline", { ...one, userID: henry });
    // Then another collaboration rings henry, and he reports busy.
    const second = (await post("/create", { userID: alice, detail: `Follow-up ${suffix}` })).data;
    const two = { collaborationID: second.collaborationID, sessionID: second.sessionID };
    await post("/session/invite", { ...two, userID: alice, members: [{ userID: henry }] });
    await post("/session/busy", { ...two, userID: henry });

    await page.goto(url(`/console/sessions/${one.sessionID}`));
    await memberRow(henry)
      .getByRole("link", { name: `Missed calls of ${henry}` })
      .click();
    await page.waitForURL(url(`/console/calls?user=${henry}`));
    await page.getByRole("heading", { level: 1, name: "Missed calls" }).waitFor();
    const rows = page.getByTestId("missed-call");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((r) => r.map((e) => e.getAttribute("data-reason")))).toEqual([
      "busy",
      "declined",
    ]);
    await rows.first().getByText("Busy").waitFor();
    await rows.first().getByText(`Follow-up ${suffix}`).waitFor();
    await rows.nth(1).getByText("Declined").waitFor();
    expect(await rows.nth(1).getByRole("link").getAttribute("href")).toBe(
      `/console/sessions/${one.sessionID}`,
    );
    await browser.screenshot(page, "10b-missed-calls");

    // By userID from the search: ivan's ring is still ringing, so he has missed none.
    await page.getByRole("textbox", { name: "User ID" }).fill(ivan);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(url(`/console/calls?user=${ivan}`));
    await page.getByTestId("no-missed-calls").getByText(`${ivan} has missed no calls.`).waitFor();
    expect(await rows.count()).toBe(0);
  }, 60_000);

  it("refuses another app's session URL as not found", async () => {
    if (!ids) throw new Error("needs the session created above");
    await signOut();
    await signIn(appB);
    await page.waitForURL(url("/console"));
    await page.goto(url(`/console/sessions/${ids.sessionID}`));
    await page.getByText("Session not found").waitFor();
    expect(await page.getByText(alice).count()).toBe(0);
    await browser.screenshot(page, "11-other-apps-session");

    // The same through the typed endpoint itself: NOT_FOUND, exactly as for an absent session.
    const input = encodeURIComponent(JSON.stringify({ sessionID: ids.sessionID }));
    const cookie = (await browser.context.cookies(server.baseUrl))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const response = await fetch(url(`/api/trpc/session.get?input=${input}`), {
      headers: { cookie },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as TrpcError).error.data.hiar.reason).toBe("NOT_FOUND");
  });

  it("signs out: the cookie is gone, a copy of it no longer works, and the console asks to sign in again", async () => {
    const copied = (await browser.context.cookies(server.baseUrl))
      .filter((c) => c.name.endsWith("collab_console"))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    expect(await meStatus(copied)).toBe(200);
    await signOut();
    expect(
      (await browser.context.cookies(server.baseUrl)).filter((c) =>
        c.name.endsWith("collab_console"),
      ),
    ).toEqual([]);
    // Revoked on the server: the copied cookie is no session any more.
    expect(await meStatus(copied)).toBe(401);
    await page.goto(url("/console"));
    await page.waitForURL(url("/console/sign-in"));
  });

  it("signs out everywhere from the account menu: every browser of the app, after a confirmation", async () => {
    const elsewhere = await signInElsewhere(appA);
    const otherApp = await signInElsewhere(appB);
    expect(await meStatus(elsewhere)).toBe(200);

    await signIn(appA);
    await page.waitForURL(url("/console"));
    await page.getByRole("button", { name: "Account" }).click();
    await browser.screenshot(page, "12-account-menu");
    await page.getByRole("menuitem", { name: "Sign out everywhere…" }).click();
    const dialog = page.getByRole("dialog", { name: "Sign out everywhere" });
    await dialog.getByText("Every console session of this app ends at once").waitFor();
    await browser.screenshot(page, "13-sign-out-everywhere");
    // Cancel changes nothing.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await meStatus(elsewhere)).toBe(200);

    await page.getByRole("button", { name: "Account" }).click();
    await page.getByRole("menuitem", { name: "Sign out everywhere…" }).click();
    await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.waitForURL(url("/console/sign-in"));

    // The other browser's session is revoked too; another app's is not.
    expect(await meStatus(elsewhere)).toBe(401);
    expect(await meStatus(otherApp)).toBe(200);
    await page.goto(url("/console"));
    await page.waitForURL(url("/console/sign-in"));
  });

  it("shows the app's usage per day, and deletes the app only once its APPID is typed again", async () => {
    // Another app's activity, over REST: two signed requests (one refused) and one ring.
    const created = await hiarPost(server, appB, "/create", { userID: alice });
    expect(created.status).toBe(200);
    const { collaborationID, sessionID } = (created.body as { data: unknown }).data as {
      collaborationID: string;
      sessionID: string;
    };
    expect(
      (
        await hiarPost(server, appB, "/session/invite", {
          collaborationID,
          sessionID,
          userID: alice,
          members: [{ userID: bob }],
        })
      ).status,
    ).toBe(200);
    expect((await hiarPost(server, appB, "/create", { userID: "" })).status).toBe(400);

    await signIn(appB);
    await page.waitForURL(url("/console"));
    await page
      .getByRole("navigation", { name: "Console" })
      .getByRole("link", { name: "App" })
      .click();
    await page.waitForURL(url("/console/app"));
    const today = new Date().toISOString().slice(0, 10);
    const row = page.locator(`[data-testid="usage-table"] tr[data-day="${today}"]`);
    // The server adds its counts every few seconds: reload until they are in.
    await expect
      .poll(
        async () => {
          await page.reload();
          return row.locator('[data-field="requests"]').textContent({ timeout: 10_000 });
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe("3");
    expect(await row.locator('[data-field="errors"]').textContent()).toBe("1");
    expect(await row.locator('[data-field="rings"]').textContent()).toBe("1");
    await browser.screenshot(page, "14-app-usage");

    await page.getByRole("button", { name: "Delete this app…" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this app" });
    const confirm = dialog.getByRole("button", { name: "Delete for good" });
    await dialog.getByLabel("APPID").fill(appA.id);
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel("APPID").fill(appB.id);
    await browser.screenshot(page, "15-app-delete");
    await confirm.click();
    await page.waitForURL(url("/console/sign-in"));
    // Gone: its requests and its sign-in are refused as an unknown APPID's; app A is untouched.
    expect((await hiarPost(server, appB, "/create", { userID: alice })).status).toBe(401);
    await signIn(appB);
    const alert = page.getByRole("alert", { name: "Sign-in failed" });
    await expect.poll(() => alert.textContent()).toContain("The APPID or secret is not correct.");
    expect((await hiarPost(server, appA, "/create", { userID: alice })).status).toBe(200);
  }, 60_000);

  it("rotates the app secret after confirmation, shows the new one once, and keeps the old one for the overlap", async () => {
    await signIn(appA);
    await page.waitForURL(url("/console"));
    await page.goto(url("/console/app"));
    await page.getByRole("button", { name: "Rotate secret…" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate the app secret?" });
    await dialog.getByLabel("Overlap (hours)").fill("2");
    await browser.screenshot(page, "16-app-secret-rotate");
    await dialog.getByRole("button", { name: "Rotate secret", exact: true }).click();
    const shown = page.getByTestId("new-secret");
    await expect.poll(() => shown.textContent()).toMatch(/^[A-Za-z0-9]{32}$/);
    const secret = (await shown.textContent()) ?? "";
    expect(await page.getByTestId("previous-secret-expiry").textContent()).toContain(
      "The previous secret works until",
    );
    await browser.screenshot(page, "17-app-secret-new");

    // Both sign during the overlap (the server's secret cache takes the new one within seconds).
    const rotated = { id: appA.id, secret };
    await expect
      .poll(async () => (await hiarPost(server, rotated, "/create", { userID: alice })).status, {
        timeout: 15_000,
        interval: 500,
      })
      .toBe(200);
    expect((await hiarPost(server, appA, "/create", { userID: alice })).status).toBe(200);
    // Shown once: a reload forgets it.
    await page.reload();
    await page.getByRole("button", { name: "Rotate secret…" }).waitFor();
    expect(await page.getByTestId("new-secret").count()).toBe(0);
  }, 60_000);

  describe("the typed endpoint over HTTP", () => {
    const signInBody = (credentials: Credentials) =>
      JSON.stringify({ appId: credentials.id, secret: credentials.secret });

    it("refuses a cross-site sign-in (Origin check) and sets no cookie", async () => {
      const response = await fetch(url("/api/trpc/auth.signIn"), {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://evil.example" },
        body: signInBody(appA),
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as TrpcError).error.data.hiar.reason).toBe(
        "PERMISSION_DENIED",
      );
      expect(response.headers.get("set-cookie")).toBeNull();
    });

    it("signs in same-origin with an httpOnly, SameSite=Lax, Secure, signed cookie", async () => {
      const response = await fetch(url("/api/trpc/auth.signIn"), {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.baseUrl },
        body: signInBody(appA),
      });
      expect(response.status).toBe(200);
      const setCookie = response.headers.get("set-cookie") ?? "";
      expect(setCookie).toMatch(/^__Host-collab_console=[\w-]+\.[\w-]{43}; /);
      for (const attribute of ["Path=/", "HttpOnly", "SameSite=Lax", "Secure", "Max-Age=43200"]) {
        expect(setCookie).toContain(attribute);
      }
      expect(setCookie).not.toContain(appA.secret);

      const cookie = setCookie.split(";")[0] ?? "";
      const me = await fetch(url("/api/trpc/auth.me"), { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { result: { data: { id: string } } }).result.data.id).toBe(
        appA.id,
      );

      // A tampered cookie is no session at all.
      const tampered = cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
      const refused = await fetch(url("/api/trpc/auth.me"), { headers: { cookie: tampered } });
      expect(refused.status).toBe(401);
    });
  });
});
