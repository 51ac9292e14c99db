import { buildOpenApiDocument, type OpenApiDocument } from "@collab/openapi";
import { currentSettings } from "@collab/settings";
import { SERVICE_VERSION } from "../version";

// The document this deployment serves: the contracts' document with its own version and
// capability prefix. Built once per process (it only changes with the code and the config).

let document: OpenApiDocument | undefined;

export function servedOpenApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument({
    version: SERVICE_VERSION,
    capabilityPrefix: currentSettings().rest.capabilityPrefix,
  });
  return document;
}
