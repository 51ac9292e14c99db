import { connect, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./pglite";

// Several connections over PGlite's single session (pglite-wire.ts): parameterised queries of
// different shapes from two connections at once must each get their own statement and result.
describe("embedded PostgreSQL with concurrent connections", () => {
  let server: EmbeddedPostgres;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    for (let i = 0; i < 6; i++) {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      clients.push(client);
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await server?.stop();
  });

  it("never binds one connection's parameters to another's statement", async () => {
    const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
    const runs = Array.from({ length: 60 }, (_, i) => [
      a.query("SELECT $1::int AS v", [i]).then((r) => expect(r.rows[0].v).toBe(i)),
      b.query("SELECT $1::int + $2::int AS v", [i, 1]).then((r) => expect(r.rows[0].v).toBe(i + 1)),
      c
        .query("SELECT $1::text || $2::text || $3::text AS v", ["x", String(i), "y"])
        .then((r) => expect(r.rows[0].v).toBe(`x${i}y`)),
    ]).flat();
    await Promise.all(runs);
  });

  it("holds a half-sent extended query's session until its Sync", async () => {
    // A raw client sends Parse, then pauses before Bind/Execute/Sync; meanwhile a pg client runs
    // a query with another parameter count. Interleaved, the raw client's Bind would meet the
    // pg client's unnamed statement ("bind message supplies 1 parameters, … requires 2").
    const raw = await rawConnect(server.url);
    try {
      raw.send(message("P", cstr(""), cstr("SELECT $1::int AS v"), int16(0)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const other = (clients[0] as pg.Client).query("SELECT $1::int + $2::int AS v", [40, 2]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const param = Buffer.from("7");
      raw.send(
        message("B", cstr(""), cstr(""), int16(0), int16(1), int32(param.length), param, int16(0)),
        message("E", cstr(""), int32(0)),
        message("S"),
      );
      const reply = await raw.untilReady();
      expect(reply.errors).toStrictEqual([]);
      expect(reply.rows).toStrictEqual(["7"]);
      expect((await other).rows[0].v).toBe(42);
    } finally {
      raw.close();
    }
  });

  it("keeps a transaction's statements to its connection", async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    await a.query("CREATE TABLE wire_t (n int)");
    await a.query("BEGIN");
    await a.query("INSERT INTO wire_t VALUES ($1)", [1]);
    const outside = b.query("SELECT count(*)::int AS n FROM wire_t");
    await a.query("INSERT INTO wire_t VALUES ($1)", [2]);
    await a.query("COMMIT");
    expect((await outside).rows[0].n).toBe(2);
  });
});

// A minimal PostgreSQL wire client, to send an extended query in two halves.
const cstr = (text: string) => Buffer.from(`${text}\0`);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

async function rawConnect(url: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let buffer = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    waiter?.();
  });
  /** Reads backend messages until ReadyForQuery; collects DataRow texts and errors. */
  async function untilReady(): Promise<{ rows: string[]; errors: string[] }> {
    const rows: string[] = [];
    const errors: string[] = [];
    for (;;) {
      while (buffer.length >= 5 && buffer.length >= 1 + buffer.readInt32BE(1)) {
        const type = String.fromCharCode(buffer[0] ?? 0);
        const length = buffer.readInt32BE(1);
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === "Z") return { rows, errors };
        if (type === "E") errors.push(body.toString("utf8"));
        if (type === "D") rows.push(body.subarray(6, 6 + body.readInt32BE(2)).toString("utf8"));
      }
      await new Promise<void>((resolve) => {
        waiter = resolve;
      });
    }
  }
  const startup = Buffer.concat([
    int32(196608),
    cstr("user"),
    cstr("postgres"),
    cstr("database"),
    cstr("postgres"),
    Buffer.from([0]),
  ]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await untilReady();
  return {
    send: (...messages: Buffer[]) => socket.write(Buffer.concat(messages)),
    untilReady,
    close: () => socket.destroy(),
  };
}
