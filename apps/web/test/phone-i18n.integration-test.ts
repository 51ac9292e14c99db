import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createHiarClient, createUserToken, type HiarClient } from "@collab/sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./axe";
import { BROWSER_ACTION_TIMEOUT_MS, launchChromium, SCREENSHOT_DIR } from "./browser";
import { startTestServer, type TestServer } from "./server";

// The web phone in English and in Simplified Chinese, each language from the browser's
// Accept-Language: its main flow once in each (the token form, connected and idle, rung, the
// ring declined and answered from the keyboard, in the call, left), axe-core in every state (no
// serious or critical violations), the ring announced to assistive technology, times in the
// language; and the language switcher, remembered across a reload. Then /docs in a browser: the
// reference renders its introduction in the reader's language, and its switcher changes it.
// PGlite only: what is checked here is the page (phone.integration-test.ts runs the phone on
// both databases).

interface Words {
  readonly locale: string;
  readonly timeZone: string;
  readonly title: string;
  readonly language: string;
  readonly tokenLabel: string;
  readonly connect: string;
  readonly notAToken: string;
  readonly signedIn: (user: string, device: string) => string;
  readonly noRings: string;
  readonly calling: (who: string) => string;
  readonly announce: (who: string, detail: string) => string;
  readonly rangAt: string;
  readonly accept: (who: string) => string;
  readonly decline: (who: string) => string;
  readonly talking: (user: string) => string;
  readonly since: string;
  readonly leave: string;
  readonly noCalls: string;
}

const WORDS: Readonly<Record<"en" | "zh-CN", Words>> = {
  en: {
    locale: "en-GB",
    timeZone: "Europe/Berlin",
    title: "Phone",
    language: "Language",
    tokenLabel: "User token",
    connect: "Connect",
    notAToken: "This does not look like a user token.",
    signedIn: (user, device) => `Signed in as ${user} · device ${device}`,
    noRings: "No incoming calls.",
    calling: (who) => `${who} is calling`,
    announce: (who, detail) => `Incoming call from ${who}: ${detail}`,
    rangAt: "Rang at",
    accept: (who) => `Accept the call from ${who}`,
    decline: (who) => `Decline the call from ${who}`,
    talking: (user) => `${user}: Talking`,
    since: "Since",
    leave: "Leave the call",
    noCalls: "You are not in a call.",
  },
  "zh-CN": {
    locale: "zh-CN",
    timeZone: "Asia/Shanghai",
    title: "话机",
    language: "语言",
    tokenLabel: "用户令牌",
    connect: "连接",
    notAToken: "这看起来不是用户令牌。",
    signedIn: (user, device) => `已登录为 ${user} · 设备 ${device}`,
    noRings: "没有来电。",
    calling: (who) => `${who} 正在呼叫您`,
    announce: (who, detail) => `${who} 来电：${detail}`,
    rangAt: "呼叫时间",
    accept: (who) => `接听 ${who} 的呼叫`,
    decline: (who) => `拒绝 ${who} 的呼叫`,
    talking: (user) => `${user}：通话中`,
    since: "开始于",
    leave: "离开通话",
    noCalls: "您当前不在通话中。",
  },
};

describe("the web phone in both languages, and accessible", () => {
  let server: TestServer;
  let chromium: Browser;
  let hiar: HiarClient;
  let app: { id: string; secret: string };
  const contexts: BrowserContext[] = [];
  const suffix = Date.now().toString(36);
  const url = (path: string) => `${server.baseUrl}${path}`;
  const shots = join(SCREENSHOT_DIR, "phone-i18n");

  async function newPage(words: Words): Promise<Page> {
    // The context's locale is the browser's Accept-Language: no choice made yet.
    const context = await chromium.newContext({
      viewport: { width: 900, height: 800 },
      locale: words.locale,
      timezoneId: words.timeZone,
      colorScheme: "light",
    });
    context.setDefaultTimeout(BROWSER_ACTION_TIMEOUT_MS);
    contexts.push(context);
    return context.newPage();
  }

  async function expectAccessible(page: Page, name: string): Promise<void> {
    // No "networkidle" here: the phone's live stream keeps a request open for good.
    await page.evaluate(() => document.fonts.ready);
    const violations = await seriousViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  /** The accessible name of the focused element (what a screen reader says it is). */
  const focusedName = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement;
      return element instanceof HTMLElement
        ? (element.getAttribute("aria-label") ?? element.textContent ?? "").trim()
        : "";
    });

  /** A time of day as the page writes it: in its language ("en": 2:05 PM) and the browser's zone. */
  const shortTime = (language: string, words: Words, iso: string) =>
    new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone: words.timeZone }).format(
      new Date(iso),
    );

  /** Any kind of space as one (ICU writes "2:05 PM" with a narrow no-break space). */
  const spaced = (text: string | null) => (text ?? "").replace(/\s+/gu, " ");

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    server = await startTestServer("pglite", { appCount: 1 });
    const [first] = server.apps;
    if (!first) throw new Error("an app was provisioned");
    app = first;
    hiar = createHiarClient({ baseUrl: server.baseUrl, appId: app.id, secret: app.secret });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await chromium?.close();
    await server?.stop();
  });

  it("speaks the browser's language when no choice was made", async () => {
    const lang = async (headers: Record<string, string>) =>
      (await fetch(url("/phone"), { headers }))
        .text()
        .then((text) => /<html[^>]* lang="([^"]+)"/.exec(text)?.[1]);
    expect(await lang({ "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" })).toBe("zh-CN");
    expect(await lang({ "accept-language": "en-GB,en;q=0.9" })).toBe("en");
    expect(await lang({ "accept-language": "zh-CN", cookie: "collab_locale=en" })).toBe("en");
  });

  describe.each(Object.entries(WORDS))("in %s", (language, words) => {
    const alice = `alice-${language}-${suffix}`;
    const bob = `bob-${language}-${suffix}`;
    const detail = language === "en" ? "Pump 4 check" : "4 号泵检查";
    const shot = (page: Page, name: string) =>
      page.screenshot({
        path: join(shots, `${language}-${name}.png`),
        fullPage: true,
        animations: "disabled",
      });

    it("rings, is declined and answered from the keyboard, and leaves; accessible throughout", async () => {
      const { collaborationID, sessionID } = await hiar.createCollaboration({
        userID: alice,
        detail,
      });
      const ring = () =>
        hiar.inviteSession({
          collaborationID,
          sessionID,
          userID: alice,
          members: [{ userID: bob }],
        });
      /** Bob's state in the session, as the app's server reads it over REST. */
      const bobsState = async () => {
        const { infos } = await hiar.queryCollaborationsByUser({ userID: bob });
        return infos.find((info) => info.collaborationID === collaborationID)?.members[bob]
          ?.memberSessionState;
      };
      const page = await newPage(words);

      // No token: the form, in the browser's language.
      await page.goto(url("/phone"));
      await page.getByRole("heading", { level: 1, name: words.title }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe(language);
      const field = page.getByRole("textbox", { name: words.tokenLabel });
      await field.fill("not a token");
      await page.getByRole("button", { name: words.connect }).click();
      await page.getByText(words.notAToken).waitFor();
      await expectAccessible(page, `no token (${language})`);
      await shot(page, "01-no-token");

      // Connected, nothing ringing.
      const token = await createUserToken({
        appId: app.id,
        secret: app.secret,
        userID: bob,
        deviceID: "bob-phone",
        ttlSeconds: 600,
      });
      await field.fill(token);
      await page.getByRole("button", { name: words.connect }).click();
      await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
      await page.getByText(words.signedIn(bob, "bob-phone")).waitFor();
      await page.getByText(words.noRings).waitFor();
      await expectAccessible(page, `idle (${language})`);

      // Rung: the card, the announcement, the time in the language; Accept has the focus.
      await ring();
      const card = page.getByTestId("ring");
      await card.getByRole("heading", { name: words.calling(alice) }).waitFor();
      await card.getByText(detail).waitFor();
      await expect
        .poll(() => page.getByTestId("ring-announcement").textContent())
        .toBe(words.announce(alice, detail));
      expect(await page.getByTestId("ring-announcement").getAttribute("aria-live")).toBe(
        "assertive",
      );
      const rang = card.getByTestId("ring-time").locator("time").first();
      const rangIso = (await rang.getAttribute("datetime")) ?? "";
      expect(Math.abs(Date.parse(rangIso) - Date.now())).toBeLessThan(60_000);
      expect(spaced(await rang.textContent())).toBe(
        spaced(`${words.rangAt} ${shortTime(language, words, rangIso)}`),
      );
      await expectAccessible(page, `ringing (${language})`);
      await shot(page, "02-ringing");

      // Tab moves from Accept to Decline and back; Space declines.
      await expect.poll(() => focusedName(page)).toBe(words.accept(alice));
      await page.keyboard.press("Tab");
      expect(await focusedName(page)).toBe(words.decline(alice));
      await page.keyboard.press("Shift+Tab");
      expect(await focusedName(page)).toBe(words.accept(alice));
      await page.keyboard.press("Tab");
      await page.keyboard.press("Space");
      await page.locator('[data-testid="phone"][data-ringing="false"]').waitFor();
      await page.getByText(words.noRings).waitFor();
      await expect.poll(() => page.getByTestId("ring-announcement").textContent()).toBe("");
      expect(await bobsState()).toBe("MEMBER_DECLINE");

      // Rung again: Enter on the focused Accept answers.
      await ring();
      await card.getByRole("heading", { name: words.calling(alice) }).waitFor();
      await expect.poll(() => focusedName(page)).toBe(words.accept(alice));
      await page.keyboard.press("Enter");

      // In the call: the members in the console's words, since when, in the language.
      const call = page.getByTestId("call");
      await call.getByText(words.talking(bob)).waitFor();
      const since = call.getByTestId("call-since").locator("time");
      const sinceIso = (await since.getAttribute("datetime")) ?? "";
      expect(spaced(await since.textContent())).toBe(
        spaced(`${words.since} ${shortTime(language, words, sinceIso)}`),
      );
      await expectAccessible(page, `in a call (${language})`);
      await shot(page, "03-in-call");

      // Leave, from the keyboard too: Tab reaches the button, Enter presses it.
      for (let i = 0; i < 20 && !(await focusedName(page)).startsWith(words.leave); i++) {
        await page.keyboard.press("Tab");
      }
      expect(await focusedName(page)).toBe(`${words.leave} ${detail}`);
      await page.keyboard.press("Enter");
      await page.getByText(words.noCalls).waitFor();
      expect(await bobsState()).toBe("MEMBER_LEFT");
      await expectAccessible(page, `after the call (${language})`);
    }, 90_000);
  });

  it("switches language from the phone's switcher, remembered across a reload, still connected", async () => {
    const page = await newPage(WORDS.en);
    const token = await createUserToken({
      appId: app.id,
      secret: app.secret,
      userID: `carol-${suffix}`,
      ttlSeconds: 600,
    });
    await page.goto(url(`/phone#token=${encodeURIComponent(token)}`));
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    await page.getByRole("combobox", { name: WORDS.en.language }).selectOption("zh-CN");
    await page.getByRole("heading", { level: 1, name: WORDS["zh-CN"].title }).waitFor();
    await page.getByText(WORDS["zh-CN"].noRings).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.reload();
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    await page.getByRole("heading", { level: 1, name: WORDS["zh-CN"].title }).waitFor();
    expect(await page.getByRole("combobox", { name: WORDS["zh-CN"].language }).inputValue()).toBe(
      "zh-CN",
    );
  }, 60_000);

  it("renders /docs with its introduction in the reader's language; its switcher changes it", async () => {
    const page = await newPage(WORDS["zh-CN"]);
    // The reference's scripts are large: on a busy machine their "load" took over the default
    // 10 s. The page's language is in its HTML; the headings below wait for the scripts.
    await page.goto(url("/docs"), { waitUntil: "domcontentloaded", timeout: 30_000 });
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    // Scalar renders the document's introduction (Markdown) in the page.
    await page
      .getByRole("heading", { name: "快速开始（TypeScript，服务端）" })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "认证" }).first().waitFor();
    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await page
      .getByRole("heading", { name: "Quick start (TypeScript, server side)" })
      .first()
      .waitFor({
        timeout: 30_000,
      });
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByText("Try it", { exact: true }).waitFor();
  }, 90_000);
});
