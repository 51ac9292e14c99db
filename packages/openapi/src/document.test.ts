import {
  buildQueryByUserResp,
  COMMON_ERRORS,
  ERROR_CATALOGUE,
  ERROR_REASONS,
  HIAR_OPERATIONS,
  queryByUserRespAny,
  successEnvelope,
  TYPE_URLS,
} from "@collab/contracts";
import {
  HEADER_APP_ID,
  HEADER_DATE,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TRACE,
} from "@collab/hiar-auth";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";
import { errorSchemaName } from "./errors";
import { FIELD_NOTES } from "./field-notes";
import { SECURITY_SCHEME_NAMES, signingExample } from "./security";
import { documentValidator } from "./testing/document-validator";

const document = buildOpenApiDocument({ version: "1.2.3" });
const operations = Object.entries(HIAR_OPERATIONS);
const post = (path: string) => document.paths[path]?.post as Record<string, unknown>;

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has every $ref pointing at something in the document", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const raw of new Set(refs)) {
      const pointer = raw.slice('"$ref":"#/'.length, -1).split("/");
      let node: unknown = document;
      for (const segment of pointer) node = (node as Record<string, unknown>)?.[segment];
      expect(node, raw).toBeDefined();
    }
  });

  it("is plain JSON and the same every time", () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(buildOpenApiDocument({ version: "1.2.3" })).toEqual(document);
    expect(document.info.version).toBe("1.2.3");
  });

  it("has one POST path per operation of HIAR_OPERATIONS, named after it", () => {
    expect(Object.keys(document.paths).sort()).toEqual(operations.map(([, o]) => o.path).sort());
    for (const [name, operation] of operations) {
      expect(post(operation.path)).toMatchObject({
        operationId: name,
        summary: operation.summary,
        security: [
          Object.fromEntries(Object.values(SECURITY_SCHEME_NAMES).map((scheme) => [scheme, []])),
        ],
      });
      expect(post(operation.path).description).toContain(operation.description);
    }
  });

  it("lists every catalogue error an operation can answer, under its HTTP status", () => {
    for (const [, operation] of operations) {
      const responses = post(operation.path).responses as Record<string, Record<string, unknown>>;
      const expected = new Set([...COMMON_ERRORS, ...operation.errors]);
      const listed = new Set<string>();
      for (const [status, response] of Object.entries(responses)) {
        if (status === "200") continue;
        const examples = (response.content as Record<string, { examples: object }>)[
          "application/json"
        ]?.examples;
        for (const reason of Object.keys(examples ?? {})) {
          listed.add(reason);
          expect(ERROR_CATALOGUE[reason as keyof typeof ERROR_CATALOGUE].httpStatus).toBe(
            Number(status),
          );
          expect(JSON.stringify(response.content)).toContain(
            errorSchemaName(reason as keyof typeof ERROR_CATALOGUE),
          );
        }
      }
      expect([...listed].sort()).toEqual([...expected].sort());
    }
  });

  it("gives each reason a schema with its code and reason as constants", () => {
    for (const reason of ERROR_REASONS) {
      const schema = document.components.schemas[errorSchemaName(reason)];
      expect(schema, reason).toMatchObject({
        properties: {
          code: { const: ERROR_CATALOGUE[reason].code },
          reason: { const: reason },
          data: { type: "null" },
        },
        required: ["code", "reason", "message", "data"],
      });
    }
  });

  it("sends Retry-After with RATE_LIMITED (429) and UNAVAILABLE (503) only", () => {
    for (const [, operation] of operations) {
      const responses = post(operation.path).responses as Record<string, { headers: object }>;
      for (const [status, response] of Object.entries(responses)) {
        expect(Object.keys(response.headers).includes("Retry-After"), status).toBe(
          status === "429" || status === "503",
        );
        expect(response.headers).toHaveProperty("trace");
      }
    }
  });

  it("gives each success envelope its exact data @type", () => {
    const schemas = document.components.schemas;
    expect(schemas.EmptyAny?.properties).toMatchObject({ "@type": { const: TYPE_URLS.Empty } });
    expect(schemas.CreateRespAny?.properties).toMatchObject({
      "@type": { const: TYPE_URLS.CreateResp },
    });
    expect(schemas.QueryByUserRespAny?.properties).toMatchObject({
      "@type": { const: TYPE_URLS.QueryByUserResp },
    });
    const invite = post("/session/invite").responses as Record<string, { description: string }>;
    expect(invite["200"]?.description).toContain(TYPE_URLS.Empty);
    for (const url of Object.values(TYPE_URLS)) expect(document.info.description).toContain(url);
  });

  it("describes the signature: four header schemes, the trace header, the worked example", () => {
    const schemes = document.components.securitySchemes;
    expect(Object.values(schemes).map((s) => (s as { name: string }).name)).toEqual([
      HEADER_APP_ID,
      HEADER_NONCE,
      HEADER_DATE,
      HEADER_SIGNATURE,
    ]);
    expect(document.components.parameters.Trace).toMatchObject({ name: HEADER_TRACE });
    const example = signingExample();
    // HiAR's access guide publishes this signature for these inputs.
    expect(example.signature).toBe("+TfnNKz8XTvZJNpFSrnlLk+3m1swS+jhRuKxemo7YLQ=");
    expect(document.info.description).toContain(example.signature);
    expect(document.info.description).toContain(JSON.stringify(example.signingString));
  });

  it("serves under the capability prefix as a second server, or not at all", () => {
    expect(document.servers.map((s) => s.url)).toEqual(["/", "/leliaRTC"]);
    const custom = buildOpenApiDocument({ capabilityPrefix: "/hris" });
    expect(custom.servers.map((s) => s.url)).toEqual(["/", "/hris"]);
    expect(buildOpenApiDocument({ capabilityPrefix: null }).servers).toHaveLength(1);
  });

  it("has a field note only for fields that exist", () => {
    for (const key of Object.keys(FIELD_NOTES)) {
      const [component, field] = key.split(".") as [string, string];
      const properties = document.components.schemas[component]?.properties as object;
      expect(properties, key).toHaveProperty(field);
    }
  });

  it("marks ruleSettings.callingTimeout as this service's extension, optional in answers", () => {
    const schemas = document.components.schemas as Record<
      string,
      { properties: Record<string, { description?: string }>; required?: string[] }
    >;
    const request = schemas.RuleSettings?.properties.callingTimeout;
    const response = schemas.RuleSettingsJson;
    expect(request?.description).toMatch(/^\*\*Extension of this service, not part of HiAR's API/);
    expect(response?.properties.callingTimeout?.description).toMatch(/^\*\*Extension/);
    // HiAR's fields are all required in answers; the extension is not (present only when set).
    expect(response?.required).toHaveLength(11);
    expect(response?.required).not.toContain("callingTimeout");
    expect(document.info.description).toContain("ruleSettings.callingTimeout");

    // A /user/query answer validates with the extension set, without it, and not with it as 0.
    const validate = documentValidator(document);
    const answer = (ruleSettings: Record<string, unknown>) =>
      successEnvelope(
        queryByUserRespAny(
          buildQueryByUserResp([
            { collaborationID: "c", sessionInfo: { sessionID: "s" }, ruleSettings },
          ]),
        ),
      );
    const path = HIAR_OPERATIONS.queryCollaborationsByUser.path;
    expect(validate.response(path, 200, answer({ callingTimeout: 30 }))).toBeNull();
    expect(validate.response(path, 200, answer({}))).toBeNull();
    const zero = answer({});
    (zero.data.infos[0]?.ruleSettings as Record<string, unknown>).callingTimeout = 0;
    expect(validate.response(path, 200, zero)).not.toBeNull();
  });

  it("gives every operation an SDK and a curl code sample", () => {
    for (const [name, operation] of operations) {
      const samples = post(operation.path)["x-codeSamples"] as { source: string }[];
      expect(samples[0]?.source).toContain(`hiar.${name}(`);
      expect(samples[1]?.source).toContain(`path='${operation.path}'`);
    }
  });
});
