import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A tiny HTTP proxy on 127.0.0.1 in front of a test server: it answers the next requests with
// faults from a plan (503 with Retry-After, a bare 429, silence), then forwards the rest
// unchanged. It records what arrives, so tests can see every attempt a client makes.

export type Fault =
  | { readonly kind: "unavailable"; readonly retryAfter?: string }
  | { readonly kind: "bare429"; readonly retryAfter?: string }
  | { readonly kind: "hang" };

export interface FaultProxy {
  readonly url: string;
  /** Faults for the next requests, in order; afterwards requests are forwarded. */
  plan(...faults: Fault[]): void;
  /** Headers of every request received, in order. */
  readonly received: IncomingHttpHeaders[];
  close(): Promise<void>;
}

const UNAVAILABLE = JSON.stringify({
  code: 1012,
  reason: "UNAVAILABLE",
  message: "service temporarily unavailable",
  data: null,
});

const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
]);

async function forward(
  target: string,
  url: string,
  method: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  res: ServerResponse,
) {
  const sent = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    sent.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const response = await fetch(`${target}${url}`, {
    method,
    headers: sent,
    body: new Uint8Array(body),
  });
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== "content-encoding") out[name] = value;
  });
  res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const queue: Fault[] = [];
  const received: IncomingHttpHeaders[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push(req.headers);
      const fault = queue.shift();
      if (fault?.kind === "hang") {
        hanging.add(res);
        return;
      }
      if (fault?.kind === "unavailable") {
        res
          .writeHead(503, {
            "content-type": "application/json",
            "retry-after": fault.retryAfter ?? "1",
            trace: String(req.headers.trace ?? ""),
          })
          .end(UNAVAILABLE);
        return;
      }
      if (fault?.kind === "bare429") {
        res.writeHead(429, { "retry-after": fault.retryAfter ?? "0" }).end("Too Many Requests");
        return;
      }
      forward(
        target,
        req.url ?? "/",
        req.method ?? "POST",
        req.headers,
        Buffer.concat(chunks),
        res,
      ).catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    plan: (...faults) => {
      queue.push(...faults);
    },
    received,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
