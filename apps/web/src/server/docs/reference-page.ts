// The /docs page: Scalar's API reference over /openapi.json, loaded from this app only (no
// fonts, telemetry, proxy or AI features from outside), plus a bar that signs "Test Request"
// calls in the browser so the reference can really be tried against this server.

export interface ReferencePageOptions {
  readonly title: string;
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
    field("try-status").textContent = "Signing needs a secure context (https or localhost).";
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
  field("try-status").textContent = "Signed " + request.method + " " + url.pathname + " at " + date + ".";
}
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
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<` escaped so the JSON cannot close the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

export function referencePage(options: ReferencePageOptions): string {
  const { title, documentUrl, scalarUrl } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<form class="try-bar" autocomplete="off" onsubmit="return false">
  <strong>Try it</strong>
  <label>APPID <input id="try-app-id" name="try-app-id" spellcheck="false" placeholder="hiar…"></label>
  <label>Secret <input id="try-secret" name="try-secret" type="password" placeholder="from pnpm app:create"></label>
  <small id="try-status">“Test Request” calls are signed in this tab; the secret is never stored or sent. In production, sign on your server (<code>@collab/sdk</code>). Raw document: <a href="${escapeHtml(documentUrl)}">${escapeHtml(documentUrl)}</a>.</small>
</form>
<div id="app"></div>
<noscript>This page needs JavaScript; the document is at <a href="${escapeHtml(documentUrl)}">${escapeHtml(documentUrl)}</a>.</noscript>
<script src="${escapeHtml(scalarUrl)}"></script>
<script>
${SIGNING_SCRIPT}
Scalar.createApiReference("#app", Object.assign(${scriptJson({ ...SCALAR_CONFIGURATION, url: documentUrl })}, { onRequestBuilt: signRequest }));
</script>
</body>
</html>
`;
}
