import { describe, expect, it, vi } from "vitest";
import * as z from "zod";

// An operation added to HIAR_OPERATIONS (as the call lifecycle adds /session/accept) appears in
// the document with no change here: path, schemas, errors, extension tag.

vi.mock("@collab/contracts", async (importOriginal) => {
  const contracts = await importOriginal<typeof import("@collab/contracts")>();
  return {
    ...contracts,
    HIAR_OPERATIONS: {
      ...contracts.HIAR_OPERATIONS,
      exampleExtension: {
        path: "/example/extension",
        summary: "Answer a call",
        description: "A rung member answers.",
        origin: "extension",
        request: z.object({
          sessionID: contracts.IdField,
          userID: contracts.IdField,
          deviceType: contracts.Int32Field,
        }),
        response: contracts.InviteSessionResponse,
        errors: ["NOT_FOUND", "INVALID_STATE"],
      },
    },
  };
});

describe("an operation added to the registry", async () => {
  const { buildOpenApiDocument } = await import("./document");
  const document = buildOpenApiDocument();
  const accept = document.paths["/example/extension"]?.post as Record<string, unknown>;

  it("is a path with its own request schema and the shared success envelope", () => {
    expect(accept).toMatchObject({
      operationId: "exampleExtension",
      tags: ["Extensions"],
      requestBody: {
        content: {
          "application/json": { schema: { $ref: "#/components/schemas/ExampleExtensionRequest" } },
        },
      },
    });
    const request = document.components.schemas.ExampleExtensionRequest;
    expect(request?.required).toEqual(["sessionID", "userID"]);
    expect(JSON.stringify(request)).toContain("anyOf"); // deviceType: int32 or decimal string
    expect(JSON.stringify(accept.responses)).toContain(
      "#/components/schemas/InviteSessionResponse",
    );
  });

  it("lists its own errors beside the common ones", () => {
    const responses = accept.responses as Record<string, unknown>;
    expect(Object.keys(responses)).toEqual(
      expect.arrayContaining([
        "200",
        "400",
        "401",
        "404",
        "409",
        "413",
        "415",
        "429",
        "500",
        "503",
      ]),
    );
    expect(JSON.stringify(responses["409"])).toContain("InvalidStateError");
    expect(responses).not.toHaveProperty("403");
    expect(document.tags.map((t) => t.name)).toEqual(["HiAR API", "Extensions"]);
  });
});
