import { HIAR_OPERATIONS } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { REST_OPERATIONS } from "./operations";
import { restRoutes } from "./routes";

describe("the REST routing table", () => {
  const routes = restRoutes("/leliaRTC");

  it("serves every documented operation, with and without the capability prefix", () => {
    for (const [name, operation] of Object.entries(HIAR_OPERATIONS)) {
      for (const path of [operation.path, `/leliaRTC${operation.path}`]) {
        expect(routes.match(path), path).toMatchObject({ kind: "operation", name, operation });
      }
      expect(REST_OPERATIONS[name as keyof typeof REST_OPERATIONS].run).toBeTypeOf("function");
    }
    expect(Object.keys(REST_OPERATIONS).sort()).toEqual(Object.keys(HIAR_OPERATIONS).sort());
  });

  it("keeps the rest of the HiAR tree (answered NOT_FOUND) and leaves other paths to Next.js", () => {
    for (const path of [
      "/session/unknown",
      "/session/invite/",
      "/session",
      "/user/query/extra",
      "/create/x",
      "/leliaRTC",
      "/leliaRTC/",
      "/leliaRTC/console",
      "/otherCap/session/invite",
    ]) {
      expect(routes.match(path), path).toEqual({ kind: "unknown" });
    }
    for (const path of [
      "/",
      "/console",
      "/api/trpc/auth.me",
      "/docs",
      "/openapi.json",
      "/healthz",
      "/created",
      "/sessions",
      "/_next/static/x.js",
      "/leliaRTCx/session/invite/y",
    ]) {
      expect(routes.match(path), path).toBeNull();
    }
  });

  it("follows the configured prefix", () => {
    const acme = restRoutes("/acme/v1");
    expect(acme.match("/acme/v1/session/invite")).toMatchObject({ name: "inviteSession" });
    expect(acme.match("/leliaRTC/session/invite")).toEqual({ kind: "unknown" });
    expect(acme.match("/acme/v1/nothing")).toEqual({ kind: "unknown" });
  });
});
