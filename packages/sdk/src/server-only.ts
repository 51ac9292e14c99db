// The client holds the app secret, and a secret in a browser is a secret published. So the SDK
// refuses to start where a page could read it: browsers and web workers.

export const SERVER_ONLY_MESSAGE =
  "@collab/sdk runs on servers only: it holds your app secret, which must never reach a " +
  "browser. Call your own backend from the page, and let the backend call this API.";

type BrowserGlobals = { window?: unknown; document?: unknown; importScripts?: unknown };

export function isBrowserLike(scope: BrowserGlobals = globalThis as BrowserGlobals): boolean {
  return (
    typeof scope.window !== "undefined" ||
    typeof scope.document !== "undefined" ||
    typeof scope.importScripts === "function"
  );
}

export function assertServerSide(scope?: BrowserGlobals): void {
  if (isBrowserLike(scope)) throw new Error(SERVER_ONLY_MESSAGE);
}
