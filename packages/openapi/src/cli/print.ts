import { buildOpenApiDocument } from "../index";

// `pnpm --filter @collab/openapi print > openapi.json`: the document without a running server.
process.stdout.write(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
