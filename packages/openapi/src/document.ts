import {
  ERROR_CATALOGUE,
  HIAR_OPERATIONS,
  type HiarOperation,
  type HiarOperationName,
} from "@collab/contracts";
import { DEFAULT_CAPABILITY_PREFIX } from "@collab/hiar-auth";
import type * as z from "zod";
import { codeSamples } from "./code-samples";
import {
  allOperationErrors,
  byHttpStatus,
  ERROR_WHEN,
  errorExample,
  errorSchema,
  errorSchemaName,
  operationErrors,
  RETRYABLE_REASONS,
} from "./errors";
import { OPERATION_EXAMPLES } from "./examples";
import { FIELD_NOTES } from "./field-notes";
import { type IntroductionLocale, introduction } from "./introduction";
import { COMPONENT_PREFIX, type JsonSchema, schemaComponents } from "./json-schema/components";
import { contractSchemaNames } from "./json-schema/named-schemas";
import { placeholderExample } from "./placeholder-example";
import {
  commonHeaders,
  commonParameters,
  HIAR_SECURITY_REQUIREMENT,
  securitySchemes,
} from "./security";

// The OpenAPI 3.1 document, assembled from HIAR_OPERATIONS: every operation in the registry is a
// path, with its request and success schemas from the contracts and its catalogue errors.

export interface OpenApiOptions {
  /** info.version; default "0.0.0". */
  readonly version?: string;
  /** Prefix the operations are also served under (HIAR_CAPABILITY_PREFIX); null: none. */
  readonly capabilityPrefix?: string | null;
  /**
   * The language of the introduction (info.description); default English. Nothing else in the
   * document changes with it: operations, schemas and examples are the same in every language.
   */
  readonly locale?: IntroductionLocale;
}

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, { post: JsonSchema }>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
    headers: Record<string, JsonSchema>;
  };
};

type Entry = readonly [HiarOperationName, HiarOperation];

const TAGS = {
  hiar: { name: "HiAR API", description: "Operations HiAR documents; the wire format is HiAR's." },
  extension: {
    name: "Extensions",
    description: "This service's documented additions, in HiAR's style (same signing, envelope).",
  },
} as const;

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const ref = (name: string) => ({ $ref: `${COMPONENT_PREFIX}${name}` });

function entries(): Entry[] {
  return Object.entries(HIAR_OPERATIONS) as unknown as Entry[];
}

type SchemaNames = { request: string; response: string };

/**
 * Component names of each operation's request and success envelope: the contracts' export
 * names, else derived from the operation's name. A schema shared by operations keeps one name.
 */
export function operationSchemaNames(): Map<HiarOperationName, SchemaNames> {
  const exported = contractSchemaNames();
  const given = new Map<z.ZodType, string>();
  const nameOf = (schema: z.ZodType, fallback: string) => {
    const name = exported.get(schema) ?? given.get(schema) ?? fallback;
    given.set(schema, name);
    return name;
  };
  return new Map(
    entries().map(([name, op]) => [
      name,
      {
        request: nameOf(op.request, `${pascal(name)}Request`),
        response: nameOf(op.response, `${pascal(name)}Response`),
      },
    ]),
  );
}

function addFieldNotes(schemas: Record<string, JsonSchema>): void {
  for (const [key, note] of Object.entries(FIELD_NOTES)) {
    const [component, field] = key.split(".") as [string, string];
    const properties = schemas[component]?.properties as Record<string, JsonSchema> | undefined;
    const property = properties?.[field];
    if (property === undefined) continue; // reported by the tests
    property.description =
      typeof property.description === "string" ? `${note} ${property.description}` : note;
  }
}

/** The `@type` constant of a success envelope's data, read from the generated schemas. */
function dataType(schemas: Record<string, JsonSchema>, responseName: string): string {
  const envelope = schemas[responseName] as { properties?: { data?: JsonSchema } };
  const data = envelope.properties?.data;
  const target =
    typeof data?.$ref === "string" ? schemas[data.$ref.slice(COMPONENT_PREFIX.length)] : data;
  const type = (target?.properties as Record<string, JsonSchema> | undefined)?.["@type"]?.const;
  if (typeof type !== "string") throw new Error(`openapi: ${responseName} has no data @type`);
  return type;
}

function errorResponses(operation: HiarOperation) {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, reasons] of byHttpStatus(operationErrors(operation))) {
    const refs = reasons.map((reason) => ref(errorSchemaName(reason)));
    const headers: Record<string, JsonSchema> = { trace: { $ref: "#/components/headers/Trace" } };
    if (reasons.some((reason) => RETRYABLE_REASONS.includes(reason))) {
      headers["Retry-After"] = { $ref: "#/components/headers/RetryAfter" };
    }
    responses[String(status)] = {
      description: reasons
        .map((r) => `\`${r}\` (${ERROR_CATALOGUE[r].code}): ${ERROR_WHEN[r]}`)
        .join("\n\n"),
      headers,
      content: {
        "application/json": {
          schema: refs.length === 1 ? refs[0] : { oneOf: refs },
          examples: Object.fromEntries(
            reasons.map((reason) => [
              reason,
              {
                summary: `${reason} (${ERROR_CATALOGUE[reason].code})`,
                value: errorExample(reason),
              },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}

function pathItem(
  [name, operation]: Entry,
  names: SchemaNames,
  schemas: Record<string, JsonSchema>,
  prefix: string | null,
) {
  const examples = OPERATION_EXAMPLES[name];
  const sampleBody =
    (examples ? Object.values(examples.request)[0]?.value : undefined) ??
    placeholderExample(ref(names.request), schemas);
  const served =
    prefix === null
      ? ""
      : `\n\nAlso served at \`${prefix}${operation.path}\` (same signing rules).`;
  return {
    post: {
      operationId: name,
      tags: [TAGS[operation.origin].name],
      summary: operation.summary,
      description: `${operation.description}${served}`,
      security: [HIAR_SECURITY_REQUIREMENT],
      parameters: [
        { $ref: "#/components/parameters/Trace" },
        { $ref: "#/components/parameters/AppIdAlias" },
      ],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: ref(names.request),
            ...(examples ? { examples: examples.request } : {}),
          },
        },
      },
      responses: {
        "200": {
          description: `Success: \`data\` is \`${dataType(schemas, names.response)}\`.`,
          headers: { trace: { $ref: "#/components/headers/Trace" } },
          content: {
            "application/json": {
              schema: ref(names.response),
              ...(examples ? { example: examples.response } : {}),
            },
          },
        },
        ...errorResponses(operation),
      },
      "x-codeSamples": codeSamples(name, operation.path, sampleBody),
    },
  };
}

/** The OpenAPI 3.1 document of every operation in HIAR_OPERATIONS. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  const prefix =
    options.capabilityPrefix === undefined ? DEFAULT_CAPABILITY_PREFIX : options.capabilityPrefix;
  const ops = entries();
  const names = operationSchemaNames();
  const namesOf = (name: HiarOperationName) => names.get(name) as SchemaNames;

  const requests = schemaComponents(
    new Map(ops.map(([name, op]) => [namesOf(name).request, op.request])),
    "input",
  );
  const responses = schemaComponents(
    new Map(ops.map(([name, op]) => [namesOf(name).response, op.response])),
    "output",
  );
  const schemas: Record<string, JsonSchema> = { ...requests };
  for (const [id, schema] of Object.entries(responses)) {
    if (id in schemas) throw new Error(`openapi: ${id} is both a request and a response schema`);
    schemas[id] = schema;
  }
  for (const reason of allOperationErrors()) schemas[errorSchemaName(reason)] = errorSchema(reason);
  addFieldNotes(schemas);

  const origins = new Set(ops.map(([, op]) => op.origin));
  return {
    openapi: "3.1.0",
    info: {
      title: "HiAR-compatible collaboration sessions",
      version: options.version ?? "0.0.0",
      description: introduction(
        {
          capabilityPrefix: prefix,
          operations: ops.map(([name, op]) => ({
            name,
            path: op.path,
            summary: op.summary,
            origin: op.origin,
            dataType: dataType(schemas, namesOf(name).response),
          })),
        },
        options.locale,
      ),
    },
    servers: [
      { url: "/", description: "This service" },
      ...(prefix === null
        ? []
        : [{ url: prefix, description: "The same operations under the capability prefix" }]),
    ],
    // Every operation is signed; stated once here too, so renderers preselect the scheme.
    security: [HIAR_SECURITY_REQUIREMENT],
    tags: (["hiar", "extension"] as const).filter((o) => origins.has(o)).map((o) => TAGS[o]),
    paths: Object.fromEntries(
      ops.map((entry) => [entry[1].path, pathItem(entry, namesOf(entry[0]), schemas, prefix)]),
    ),
    components: {
      schemas,
      securitySchemes: securitySchemes(),
      parameters: commonParameters(),
      headers: commonHeaders(),
    },
  };
}
