import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { loadSettings } from "@collab/settings";
import { describe, expect, it } from "vitest";
import { applyResolvedClient, compileTrust, resolveClient } from "./forwarded";

/** A request as node:http hands it over: the peer's address and the headers as sent. */
function request(remoteAddress: string, headers: IncomingHttpHeaders): IncomingMessage {
  return { socket: { remoteAddress }, headers: { host: "app.example", ...headers } } as never;
}

const trust = (value: string) => compileTrust(loadSettings({ TRUST_PROXY: value }).proxy.trust);

describe("resolving the client without a proxy (TRUST_PROXY unset)", () => {
  const none = trust("");

  it("is the socket's peer, whatever the request claims", () => {
    const req = request("203.0.113.7", {
      "x-forwarded-for": "1.2.3.4, 5.6.7.8",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
    });
    expect(resolveClient(req, none)).toEqual({
      address: "203.0.113.7",
      proto: "http",
      host: "app.example",
    });
  });

  it("writes IPv4 clients of a dual-stack socket as IPv4", () => {
    expect(resolveClient(request("::ffff:192.0.2.1", {}), none).address).toBe("192.0.2.1");
    expect(resolveClient(request("2001:db8::1", {}), none).address).toBe("2001:db8::1");
  });

  it("has no host when the Host header is not a host", () => {
    expect(resolveClient(request("192.0.2.1", { host: "a b" }), none).host).toBeNull();
    expect(resolveClient(request("192.0.2.1", { host: "[::1]:3000" }), none).host).toBe(
      "[::1]:3000",
    );
  });
});

describe("resolving the client behind a hop count (TRUST_PROXY=1, =2)", () => {
  it("takes the entry the nearest proxy wrote, never one the client forged before it", () => {
    const req = request("10.0.0.2", {
      "x-forwarded-for": "6.6.6.6, 198.51.100.9",
      "x-forwarded-proto": "http, https",
      "x-forwarded-host": "evil.example, app.example.com",
    });
    expect(resolveClient(req, trust("1"))).toEqual({
      address: "198.51.100.9",
      proto: "https",
      host: "app.example.com",
    });
  });

  it("with two proxies, the entries the outer one wrote", () => {
    const req = request("10.0.0.2", {
      "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.0.0.1",
      "x-forwarded-proto": "http, https, http",
      "x-forwarded-host": "evil.example, app.example.com, internal",
    });
    expect(resolveClient(req, trust("2"))).toEqual({
      address: "198.51.100.9",
      proto: "https",
      host: "app.example.com",
    });
  });

  it("takes a proxy's single overwritten value, and the proxy itself when it names no client", () => {
    const req = request("10.0.0.2", { "x-forwarded-proto": "https" });
    expect(resolveClient(req, trust("2"))).toEqual({
      address: "10.0.0.2",
      proto: "https",
      host: "app.example",
    });
    const unknown = request("10.0.0.2", { "x-forwarded-for": "unknown" });
    expect(resolveClient(unknown, trust("1")).address).toBe("10.0.0.2");
  });

  it("refuses a scheme or host that is not one", () => {
    const req = request("10.0.0.2", {
      "x-forwarded-proto": "javascript",
      "x-forwarded-host": "bad host/../",
    });
    expect(resolveClient(req, trust("1"))).toMatchObject({ proto: "http", host: "app.example" });
  });
});

describe("resolving the client behind listed proxies (TRUST_PROXY=loopback,10.0.0.0/8)", () => {
  const listed = trust("loopback, 10.0.0.0/8");

  it("walks back through trusted addresses to the first one that is not", () => {
    const req = request("127.0.0.1", {
      "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.1.2.3",
      "x-forwarded-proto": "https",
    });
    expect(resolveClient(req, listed)).toEqual({
      address: "198.51.100.9",
      proto: "https",
      host: "app.example",
    });
  });

  it("believes nothing from a peer that is not listed", () => {
    const req = request("203.0.113.5", {
      "x-forwarded-for": "1.1.1.1",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
    });
    expect(resolveClient(req, listed)).toEqual({
      address: "203.0.113.5",
      proto: "http",
      host: "app.example",
    });
  });
});

describe("the headers handed to Next.js", () => {
  it("are overwritten with exactly the resolved values; unresolved claims are removed", () => {
    const req = request("203.0.113.7", {
      "x-forwarded-for": "1.2.3.4",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
      "x-forwarded-port": "1",
      forwarded: "for=1.2.3.4",
      "x-real-ip": "1.2.3.4",
      host: "app.example:8080",
    });
    applyResolvedClient(req, resolveClient(req, trust("0")));
    expect(req.headers).toEqual({
      host: "app.example:8080",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "app.example:8080",
      "x-forwarded-port": "8080",
    });
  });

  it("name no host when there is none to name", () => {
    const req = request("203.0.113.7", { host: "", "x-forwarded-host": "evil.example" });
    applyResolvedClient(req, resolveClient(req, trust("0")));
    expect(req.headers["x-forwarded-host"]).toBeUndefined();
    expect(req.headers["x-forwarded-port"]).toBeUndefined();
  });
});
