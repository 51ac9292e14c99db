import { scalarBundle } from "@/server/docs/scalar-bundle";

// GET /docs/scalar.js: the reference page's renderer, from this app's own node_modules.
export async function GET(request: Request): Promise<Response> {
  const { source, version } = await scalarBundle();
  const etag = `"scalar-${version}"`;
  const headers = {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": "public, max-age=86400",
    etag,
  };
  if (request.headers.get("if-none-match") === etag)
    return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(source), { headers });
}
