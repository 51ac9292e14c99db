import { randomBytes, randomInt } from "node:crypto";
import { createServer } from "node:net";
import { SIGN_IN_THROTTLE_BOUNDS } from "@collab/api";
import { testDatabaseTargets } from "@collab/db/testing";
import { WebSocket } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./server";

// Memory bounds against the production server (nothing unauthenticated grows memory): failed console sign-ins with fresh
// APPIDs and forwarded addresses, and unauthenticated REST requests with made-up HiAR headers,
// must not grow the server's memory. The sign-in throttle once kept ~25 KB per such attempt
// forever (a fresh server died after ~7,500); 20,000 attempts would then add ~500 MB.
//
// The live heap is read from outside, without test-only code in the server: the server runs with
// the inspector on a loopback port, and the test asks V8 over the DevTools protocol to collect
// garbage (HeapProfiler.collectGarbage) and report the heap in use (Runtime.getHeapUsage).
//
// The bound: whatever is in memory per request must be gone or capped. The sign-in throttle's
// tables are capped (SIGN_IN_THROTTLE_BOUNDS: 10,000 entries each, ~150 bytes an entry here), so
// the warm-up sends more failed sign-ins than a table holds: the baseline has them full, and
// from then on nothing may grow. Everything else (V8's code and type feedback, Next.js's caches,
// the database pool, the log stream) is warmed up too. 5 MB leaves room for GC noise (about 1.5
// MB was measured) and is still below what any per-request leak would add: 64 bytes per
// request of 40,000 requests is 2.5 MB more than the noise, 1 KB (the old throttle's kind of
// leak was 25 KB) is 40 MB, and a throttle table left unbounded adds ~6 MB.

const REQUESTS = Number(process.env.MEMORY_TEST_REQUESTS ?? 20_000);
/** Enough failed sign-ins (fresh APPIDs, fresh addresses) to fill the throttle's tables. */
const WARM_UP_SIGN_INS =
  Math.max(SIGN_IN_THROTTLE_BOUNDS.unknownApps, SIGN_IN_THROTTLE_BOUNDS.clients) + 1_000;
const WARM_UP_REST = 2_000;
const MAX_GROWTH_BYTES = 5 * 1024 * 1024;
const CONCURRENCY = 16;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** A minimal DevTools-protocol client: one WebSocket, requests matched to answers by id. */
class Inspector {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        result?: unknown;
        error?: unknown;
      };
      if (message.id !== undefined) {
        this.#pending.get(message.id)?.(message);
        this.#pending.delete(message.id);
      }
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (url === undefined) throw new Error("the server's inspector lists no target");
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error("inspector unreachable")), {
        once: true,
      });
    });
    return new Inspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, (message) =>
        message.error === undefined
          ? resolve(message.result as T)
          : reject(new Error(`${method}: ${JSON.stringify(message.error)}`)),
      );
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The live heap after full collections (bytes): the smallest of three readings. */
  async liveHeap(): Promise<number> {
    const readings: number[] = [];
    for (let i = 0; i < 3; i++) {
      await this.send("HeapProfiler.collectGarbage");
      const { usedSize } = await this.send<{ usedSize: number }>("Runtime.getHeapUsage");
      readings.push(usedSize);
    }
    return Math.min(...readings);
  }

  close(): void {
    this.#socket.close();
  }
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const randomIPv4 = () =>
  `${randomInt(1, 224)}.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
const randomIPv6 = () => Array.from({ length: 8 }, () => randomInt(65_536).toString(16)).join(":");
/** A made-up APPID: usually APPID-shaped, sometimes long and odd. */
const randomAppId = () =>
  randomInt(4) === 0
    ? `x${randomBytes(randomInt(20, 180)).toString("base64url")}`
    : `hiar${hex(8)}`;

/** Runs `task(i)` for i in [from, to) with `CONCURRENCY` in flight; returns the statuses seen. */
async function load(
  from: number,
  to: number,
  task: (i: number) => Promise<number>,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = from;
  const worker = async () => {
    while (next < to) {
      const status = await task(next++);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

describe("the server's memory under unauthenticated floods", () => {
  // PostgreSQL when there is one (as in production); else the embedded database, whose wasm
  // memory is not part of the JavaScript heap measured here.
  const target = testDatabaseTargets().includes("postgres") ? "postgres" : "pglite";
  let server: TestServer;
  let inspector: Inspector;

  beforeAll(async () => {
    const inspectPort = await freePort();
    server = await startTestServer(target, {
      appCount: 1,
      env: {
        // The production heap cap (`pnpm start`), so a leak would also end in a crash.
        NODE_OPTIONS: `--max-old-space-size=256 --inspect=127.0.0.1:${inspectPort}`,
        // The forwarded addresses reach the sign-in throttle only from a trusted proxy: the test
        // plays one on 127.0.0.1.
        TRUST_PROXY: "loopback",
        // The in-process store: its fixed-size tables are the bound this test holds the server
        // to (a shared store keeps the counts out of the process).
        RATE_LIMIT_STORE: "memory",
      },
    });
    inspector = await Inspector.connect(inspectPort);
  });
  afterAll(async () => {
    inspector?.close();
    await server?.stop();
  });

  const signIn = async () => {
    const response = await fetch(`${server.baseUrl}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: server.baseUrl,
        "x-forwarded-for": randomInt(2) === 0 ? randomIPv4() : randomIPv6(),
      },
      body: JSON.stringify({ appId: randomAppId(), secret: hex(16) }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  const restInvite = async () => {
    // Made-up HiAR headers: random APPIDs, nonces and signatures, dates inside and outside the
    // window, so every check on the way (date, app lookup, signature) refuses some of them.
    const skewSeconds = randomInt(3) === 0 ? randomInt(-100_000, 100_000) : randomInt(-60, 60);
    const response = await fetch(`${server.baseUrl}/session/invite`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-HIAR-OPENAPI-APPID": randomAppId(),
        "X-HIAR-OPENAPI-NONCE": hex(randomInt(4, 32)),
        "X-HIAR-OPENAPI-DATE": new Date(Date.now() + skewSeconds * 1000)
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
        "X-HIAR-OPENAPI-SIGNATURE": randomBytes(32).toString("base64"),
      },
      body: JSON.stringify({
        collaborationID: hex(16),
        sessionID: hex(16),
        userID: hex(4),
        members: [{ userID: hex(4) }],
      }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  it(`stays bounded after ${REQUESTS} failed sign-ins and ${REQUESTS} forged REST requests`, async () => {
    // Warm-up: code paths compiled, pools and caches filled, before the baseline.
    await load(0, WARM_UP_SIGN_INS, signIn);
    await load(0, WARM_UP_REST, restInvite);
    const baseline = await inspector.liveHeap();

    const started = Date.now();
    const signIns = await load(0, REQUESTS, signIn);
    const rest = await load(0, REQUESTS, restInvite);
    const seconds = (Date.now() - started) / 1000;
    const end = await inspector.liveHeap();

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.info(
      `memory on ${target}: live heap ${mb(baseline)} → ${mb(end)} (${mb(end - baseline)}) ` +
        `after ${2 * REQUESTS} requests in ${seconds.toFixed(0)} s; ` +
        `sign-in statuses ${JSON.stringify([...signIns])}, REST ${JSON.stringify([...rest])}`,
    );
    // Every one refused as the client's mistake: never a 5xx.
    expect([...signIns.keys()].every((status) => status === 401 || status === 429)).toBe(true);
    expect([...rest.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
    expect(end - baseline).toBeLessThan(MAX_GROWTH_BYTES);
    // The server is alive and well.
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  }, 1_800_000); // ~40,000 requests: minutes on a busy 2-CPU machine
});
