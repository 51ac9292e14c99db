// @collab/openapi: the OpenAPI 3.1 document of the HiAR REST API, generated from the contracts.

export { buildOpenApiDocument, type OpenApiDocument, type OpenApiOptions } from "./document";
export { errorSchemaName, operationErrors } from "./errors";
export { HIAR_DOC_INVITE_EXAMPLE, OPERATION_EXAMPLES } from "./examples";
export {
  INTRODUCTION_LOCALES,
  type IntroductionLocale,
  introduction,
} from "./introduction";
export { COMPONENT_PREFIX, type JsonSchema } from "./json-schema/components";
export { DECIMAL_STRING_PATTERN } from "./json-schema/protojson-leniency";
export { SECURITY_SCHEME_NAMES, signingExample } from "./security";
