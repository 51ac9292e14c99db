import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgresCluster } from ".";

// The fault tests' own PostgreSQL (testing/postgres-cluster.ts): it starts on a free port, loses
// its connections on an immediate stop (a crash), comes back on the same port with every
// committed row, and leaves nothing behind.

describe("a test's own PostgreSQL cluster", () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it("crashes and recovers on the same port with what was committed", async () => {
    expect(cluster.url).toBe(`postgres://postgres@127.0.0.1:${cluster.port}/postgres`);
    const url = await cluster.createDatabase("recovery");
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {}); // the crash ends the connection
    await client.connect();
    await client.query("CREATE TABLE t (v int)");
    await client.query("INSERT INTO t VALUES (1), (2)");
    await client.query("BEGIN");
    await client.query("INSERT INTO t VALUES (3)"); // never committed

    await cluster.stop("immediate");
    expect(cluster.isRunning()).toBe(false);
    await expect(client.query("SELECT 1")).rejects.toThrow();
    const refused = new pg.Client({ connectionString: url });
    refused.on("error", () => {});
    await expect(refused.connect()).rejects.toThrow(/ECONNREFUSED/);

    await cluster.start();
    expect(cluster.isRunning()).toBe(true);
    const again = new pg.Client({ connectionString: cluster.databaseUrl("recovery") });
    await again.connect();
    try {
      const { rows } = await again.query("SELECT v FROM t ORDER BY v");
      expect(rows.map((r) => r.v)).toStrictEqual([1, 2]);
    } finally {
      await again.end();
    }
  });

  it("destroy() stops it and is idempotent", async () => {
    const other = await startPostgresCluster();
    await other.destroy();
    await other.destroy();
    expect(other.isRunning()).toBe(false);
    const client = new pg.Client({ connectionString: other.url });
    client.on("error", () => {});
    await expect(client.connect()).rejects.toThrow();
  });
});
