import { servedOpenApiDocument } from "@/server/docs/openapi-document";

// GET /openapi.json: the OpenAPI 3.1 document, generated from the contracts at start-up.
export function GET(): Response {
  return Response.json(servedOpenApiDocument(), {
    headers: {
      "cache-control": "public, max-age=300",
      // A public description: other tools (editors, generators) may fetch it from anywhere.
      "access-control-allow-origin": "*",
    },
  });
}
