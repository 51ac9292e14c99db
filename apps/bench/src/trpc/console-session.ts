import type { BenchApp } from "../database/fixtures";

/** The console's signed-in session cookie, or why the tRPC case cannot run. */
export type ConsoleSession =
  | { readonly ok: true; readonly cookie: string }
  | { readonly ok: false; readonly reason: string };

/** The console's sign-in procedure: the app's APPID and secret in, a cookie out. */
export const SIGN_IN_PROCEDURE = "auth.signIn";

/** Signs in through tRPC as the console does; a missing procedure means the console has not landed. */
export async function signInToConsole(baseUrl: string, app: BenchApp): Promise<ConsoleSession> {
  const response = await fetch(`${baseUrl}/api/trpc/${SIGN_IN_PROCEDURE}`, {
    method: "POST",
    // Console mutations must be same-origin, as a browser on the console's page sends them.
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ appId: app.id, secret: app.secret }),
  });
  const text = await response.text();
  // tRPC answers an unknown procedure with error code NOT_FOUND (this router's formatter maps
  // it to HTTP 500, tRPC's own to 404).
  if (response.status === 404 || errorCode(text) === "NOT_FOUND") {
    return {
      ok: false,
      reason: `no \`${SIGN_IN_PROCEDURE}\` procedure on /api/trpc yet (a server without the console sign-in)`,
    };
  }
  const cookies = response.headers.getSetCookie().map((c) => c.split(";", 1)[0] ?? "");
  if (!response.ok || cookies.length === 0) {
    return {
      ok: false,
      reason: `\`${SIGN_IN_PROCEDURE}\` answered ${response.status} without a session cookie: ${text.slice(0, 200)}`,
    };
  }
  return { ok: true, cookie: cookies.join("; ") };
}

function errorCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { data?: { code?: unknown } } };
    const code = body.error?.data?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
