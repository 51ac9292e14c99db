import { once } from "node:events";
import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { withinTimeout } from "./redis";

/** Keeps this process busy (no timers, no I/O) for `ms`. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("withinTimeout", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  it("passes on what settles in time, a value or an error", async () => {
    await expect(withinTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withinTimeout(Promise.reject(new Error("refused")), 50)).rejects.toThrow(
      "refused",
    );
  });

  it("rejects what has not settled when the time is up", async () => {
    await expect(withinTimeout(new Promise(() => {}), 20)).rejects.toThrow(
      "Redis did not answer within 20 ms",
    );
  });

  it("takes a reply that arrived while this process was busy past the timeout", async () => {
    // The server answers at once, then this process stalls past the timeout: the reply waits in
    // the client's socket meanwhile.
    server = createServer((socket) =>
      socket.on("data", (chunk) => {
        socket.write(chunk);
        stall(200);
      }),
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const client = connect(address.port, "127.0.0.1");
    await once(client, "connect");
    const reply = new Promise<string>((resolve) =>
      client.once("data", (chunk) => resolve(chunk.toString())),
    );
    const answered = withinTimeout(reply, 20);
    client.write("PONG");
    await expect(answered).resolves.toBe("PONG");
    client.destroy();
  });
});
