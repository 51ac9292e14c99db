import { referencePage } from "@/server/docs/reference-page";

// GET /docs: the human API reference (Scalar, self-hosted) over /openapi.json.
export function GET(): Response {
  const html = referencePage({
    title: "API reference · HiAR-compatible collaboration sessions",
    documentUrl: "/openapi.json",
    scalarUrl: "/docs/scalar.js",
  });
  return new Response(html, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
  });
}
