// x-codeSamples for each operation (shown by Scalar and Redoc beside the operation): the SDK call
// and a curl + openssl script that signs by hand. Generic renderers' own snippets cannot sign.

export function sdkSample(method: string, body: unknown): string {
  return `import { createHiarClient } from "@collab/sdk";

const hiar = createHiarClient({
  baseUrl: "http://localhost:3000",
  appId: process.env.HIAR_APP_ID!,
  secret: process.env.HIAR_APP_SECRET!,
});

const data = await hiar.${method}(${JSON.stringify(body, null, 2)});`;
}

export function curlSample(path: string, body: unknown): string {
  const json = JSON.stringify(body).replaceAll("'", "'\\''");
  return `# BASE_URL, APP_ID and APP_SECRET set in the environment; needs curl and openssl.
path='${path}'
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
nonce=$(openssl rand -hex 16 | sed -E 's/(.{8})(.{4})(.{4})(.{4})(.{12})/\\1-\\2-\\3-\\4-\\5/')
signature=$(printf 'post\\n%s\\n\\n%s\\n%s\\n%s\\n' "$path" "$APP_ID" "$date" "$nonce" |
  openssl dgst -sha256 -hmac "$APP_SECRET" -binary | openssl base64 -A)
curl -sS -X POST "$BASE_URL$path" \\
  -H 'Content-Type: application/json' \\
  -H "X-HIAR-OPENAPI-APPID: $APP_ID" \\
  -H "X-HIAR-OPENAPI-NONCE: $nonce" \\
  -H "X-HIAR-OPENAPI-DATE: $date" \\
  -H "X-HIAR-OPENAPI-SIGNATURE: $signature" \\
  --data '${json}'`;
}

export function codeSamples(method: string, path: string, body: unknown) {
  return [
    { lang: "TypeScript", label: "@collab/sdk", source: sdkSample(method, body) },
    { lang: "Shell", label: "curl + openssl", source: curlSample(path, body) },
  ];
}
