import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebhookEvent } from "@collab/contracts";
import { splitRequestTarget, verifyRequest } from "@collab/hiar-auth";

// A real webhook receiver on 127.0.0.1 for the web tests: it verifies each POST's HiAR signature
// with the code a receiver would use (@collab/hiar-auth's verifyRequest), keeps what it got, and
// answers 401 to a bad signature, else what `respond` says (200 by default).

export interface ReceivedWebhook {
  readonly event: WebhookEvent;
  readonly verified: boolean;
  /** What the receiver answered. */
  readonly status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  /** Every POST, in arrival order. */
  readonly received: ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: {
  /** The signing secret of an APPID, or null for an unknown one. */
  readonly lookupSecret: (appId: string) => string | null;
  /** The status of a verified POST (default 200). */
  readonly respond?: (event: WebhookEvent) => number;
  readonly path?: string;
}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const { path, rawQuery } = splitRequestTarget(req.url ?? "/");
      const auth = await verifyRequest({
        headers: req.headers,
        method: req.method ?? "",
        path,
        rawQuery,
        lookupSecret: async (id) => options.lookupSecret(id),
      });
      const event = WebhookEvent.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      const status = auth.ok ? (options.respond?.(event) ?? 200) : 401;
      received.push({ event, verified: auth.ok, status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? "/webhook"}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
