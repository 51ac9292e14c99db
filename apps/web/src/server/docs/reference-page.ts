// The /docs page: Scalar's API reference over /openapi.json, loaded from this app only (no
// fonts, telemetry, proxy or AI features from outside), plus a bar that signs "Test Request"
// calls in the browser so the reference can really be tried against this server. The page's words
// come from the message catalogues ("docs"), in the reader's language, with a language switcher
// that sets the same cookie as the console's.

/** The page's words in its language; the two HTML ones are the catalogue's markup. */
export interface ReferencePageText {
  readonly title: string;
  readonly tryIt: string;
  readonly secret: string;
  readonly secretPlaceholder: string;
  /** HTML: how "Test Request" is signed, and a link to the raw document. */
  readonly hintHtml: string;
  /** HTML: shown without JavaScript, with a link to the raw document. */
  readonly noscriptHtml: string;
  readonly insecure: string;
  /** "Signed {method} {path} at {date}.": filled in by the browser. */
  readonly signed: string;
  readonly language: string;
}

export interface ReferencePageOptions {
  /** The page's language (`<html lang>`, the switcher's choice). */
  readonly locale: string;
  /** Every language the page speaks: its code and its name in itself. */
  readonly languages: ReadonlyArray<{ readonly code: string; readonly name: string }>;
  /** The cookie that remembers the reader's choice, and for how long (seconds). */
  readonly localeCookie: { readonly name: string; readonly maxAgeSeconds: number };
  readonly text: ReferencePageText;
  readonly documentUrl: string;
  readonly scalarUrl: string;
}

const SCALAR_CONFIGURATION = {
  withDefaultFonts: false, // fonts.scalar.com
  telemetry: false,
  proxyUrl: "", // requests go straight to this origin
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  documentDownloadType: "json",
  // Generic snippets cannot sign; the document's own samples (SDK, curl + openssl) can.
  hiddenClients: true,
  defaultOpenAllTags: true,
  hideClientButton: false,
};

// Runs in the browser. WebCrypto HMAC-SHA256 over HiAR's signing string, exactly as the SDK
// signs: lower-case method, path and query as sent, UTC date in whole seconds, a fresh nonce.
const SIGNING_SCRIPT = `
const field = (id) => document.getElementById(id);
const encoder = new TextEncoder();
async function signRequest({ request }) {
  const appId = field("try-app-id").value.trim();
  const secret = field("try-secret").value;
  if (!appId || !secret) return;
  if (!crypto.subtle) {
    field("try-status").textContent = WORDS.insecure;
    return;
  }
  const url = new URL(request.url);
  const date = new Date().toISOString().replace(/\\.\\d+Z$/, "Z");
  const nonce = crypto.randomUUID();
  const message = [request.method.toLowerCase(), url.pathname, url.search.slice(1), appId, date, nonce].join("\\n") + "\\n";
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  request.headers.set("X-HIAR-OPENAPI-APPID", appId);
  request.headers.set("X-HIAR-OPENAPI-NONCE", nonce);
  request.headers.set("X-HIAR-OPENAPI-DATE", date);
  request.headers.set("X-HIAR-OPENAPI-SIGNATURE", btoa(String.fromCharCode(...digest)));
  field("try-status").textContent = WORDS.signed
    .replace("{method}", request.method)
    .replace("{path}", url.pathname)
    .replace("{date}", date);
}
field("docs-language").addEventListener("change", (event) => {
  const { name, maxAgeSeconds } = LOCALE_COOKIE;
  document.cookie = name + "=" + encodeURIComponent(event.target.value) + "; Path=/; Max-Age=" + maxAgeSeconds + "; SameSite=Lax";
  location.reload();
});
`;

const STYLE = `
  body { margin: 0; }
  .try-bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 16px;
    font: 13px/1.4 system-ui, sans-serif; background: #f4f6f8; border-bottom: 1px solid #d8dde3; color: #1f2933; }
  .try-bar strong { font-weight: 600; }
  .try-bar label { display: inline-flex; gap: 6px; align-items: center; }
  .try-bar input { font: 12px ui-monospace, monospace; padding: 3px 6px; border: 1px solid #b8c0c8; border-radius: 4px; width: 16em; }
  .try-bar small { color: #52606d; }
  .try-bar a { color: inherit; }
  .try-bar select { font: inherit; margin-inline-start: auto; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<` escaped so the JSON cannot close the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

export function referencePage(options: ReferencePageOptions): string {
  const { text, documentUrl, scalarUrl } = options;
  const languages = options.languages
    .map(
      ({ code, name }) =>
        `<option value="${escapeHtml(code)}"${code === options.locale ? " selected" : ""}>${escapeHtml(name)}</option>`,
    )
    .join("");
  return `<!doctype html>
<html lang="${escapeHtml(options.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(text.title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<form class="try-bar" autocomplete="off" onsubmit="return false">
  <strong>${escapeHtml(text.tryIt)}</strong>
  <label>APPID <input id="try-app-id" name="try-app-id" spellcheck="false" placeholder="hiar…"></label>
  <label>${escapeHtml(text.secret)} <input id="try-secret" name="try-secret" type="password" placeholder="${escapeHtml(text.secretPlaceholder)}"></label>
  <small id="try-status" role="status">${text.hintHtml}</small>
  <select id="docs-language" aria-label="${escapeHtml(text.language)}">${languages}</select>
</form>
<div id="app"></div>
<noscript>${text.noscriptHtml}</noscript>
<script src="${escapeHtml(scalarUrl)}"></script>
<script>
(() => {
const WORDS = ${scriptJson({ insecure: text.insecure, signed: text.signed })};
const LOCALE_COOKIE = ${scriptJson(options.localeCookie)};
${SIGNING_SCRIPT}
Scalar.createApiReference("#app", Object.assign(${scriptJson({ ...SCALAR_CONFIGURATION, url: documentUrl })}, { onRequestBuilt: signRequest }));
})();
</script>
</body>
</html>
`;
}
