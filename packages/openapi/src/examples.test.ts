import { HIAR_OPERATIONS, type HiarOperationName } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";
import { HIAR_DOC_INVITE_EXAMPLE, OPERATION_EXAMPLES } from "./examples";
import { documentValidator } from "./testing/document-validator";

// Every example is valid twice: against the document's schema and against the contract.

const document = buildOpenApiDocument();
const validate = documentValidator(document);
const named = Object.entries(OPERATION_EXAMPLES) as [
  HiarOperationName,
  NonNullable<(typeof OPERATION_EXAMPLES)[HiarOperationName]>,
][];

describe("examples", () => {
  it("exist for the three HiAR operations", () => {
    expect(named.map(([name]) => name).sort()).toEqual(
      ["createCollaboration", "inviteSession", "queryCollaborationsByUser"].sort(),
    );
  });

  for (const [name, examples] of named) {
    const operation = HIAR_OPERATIONS[name];

    it(`${name}: request examples match the document and the contract`, () => {
      for (const [key, example] of Object.entries(examples.request)) {
        expect(validate.request(operation.path, example.value), key).toBeNull();
        if (example.value === HIAR_DOC_INVITE_EXAMPLE) continue; // below
        expect(operation.request.safeParse(example.value).success, key).toBe(true);
      }
    });

    it(`${name}: the response example matches the document and the contract`, () => {
      expect(validate.response(operation.path, 200, examples.response)).toBeNull();
      expect(operation.response.safeParse(examples.response).success).toBe(true);
    });
  }

  it("uses HiAR's invite body verbatim, refused only because its inviter is its invitee", () => {
    const invite = HIAR_OPERATIONS.inviteSession.request;
    const refused = invite.safeParse(HIAR_DOC_INVITE_EXAMPLE);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => i.path.join("."))).toEqual(["members.0.userID"]);
    expect(invite.safeParse({ ...HIAR_DOC_INVITE_EXAMPLE, userID: "inviter" }).success).toBe(true);
  });

  it("gives every operation a code sample whose body the document accepts", () => {
    for (const operation of Object.values(HIAR_OPERATIONS)) {
      const samples = document.paths[operation.path]?.post["x-codeSamples"] as { source: string }[];
      const source = samples[0]?.source ?? "";
      const body = JSON.parse(source.slice(source.indexOf("(", source.indexOf("await")) + 1, -2));
      expect(validate.request(operation.path, body), operation.path).toBeNull();
    }
  });

  it("shows every error example as its reason's schema", () => {
    for (const [, operation] of Object.entries(HIAR_OPERATIONS)) {
      for (const status of validate.statuses(operation.path)) {
        if (status === 200) continue;
        const responses = document.paths[operation.path]?.post.responses as Record<
          string,
          { content: Record<string, { examples?: Record<string, { value: unknown }> }> }
        >;
        const content = responses[String(status)]?.content["application/json"];
        for (const example of Object.values(content?.examples ?? {})) {
          expect(validate.response(operation.path, status, example.value)).toBeNull();
        }
      }
    }
  });
});
