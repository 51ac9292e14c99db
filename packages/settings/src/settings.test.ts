import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type Env, loadSettings, SettingsError, settleNodeEnv } from "./load";

/** The problems loadSettings reports for `env` (none: []). */
function problems(env: Env): readonly string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

const refuses = (env: Env, name: string) =>
  expect(
    problems(env).some((line) => line.startsWith(`${name} `)),
    name,
  ).toBe(true);

describe("every default", () => {
  it("is the documented one", () => {
    expect(loadSettings({})).toStrictEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toStrictEqual({
      server: {
        nodeEnv: undefined,
        development: false,
        production: false,
        port: 3000,
        host: undefined,
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 5_000,
        maxConnections: 1_024,
        shutdownTimeoutMs: 10_000,
      },
      proxy: { trust: { kind: "none" } },
      rest: {
        capabilityPrefix: "/leliaRTC",
        dateWindowSeconds: 300,
        rateLimit: { perSecond: 100, burst: 200 },
      },
      console: { sessionSecret: null, signInThrottle: { maxFailures: 5, windowSeconds: 300 } },
      appSecrets: {
        rotationOverlapMs: 86_400_000,
      },
      limits: { store: "memory", redis: null },
      calls: { callingTimeoutSeconds: 60, busyDetection: false },
      worker: {
        inServer: true,
        pollIntervalMs: 1_000,
        sweepIntervalMs: 250,
        webhooks: {
          timeoutMs: 5_000,
          maxAgeMs: 86_400_000,
          backoffBaseMs: 5_000,
          backoffMaxMs: 3_600_000,
          maxConcurrentPerApp: 4,
          attemptRetentionMs: 30 * 86_400_000,
          allowPrivateNetworks: false,
        },
      },
      database: {
        databaseUrl: undefined,
        dataDir: undefined,
        connectTimeoutMs: 5_000,
        queryTimeoutMs: 20_000,
        connectionLifetimeSeconds: 60,
        appSecretKeys: { current: null, previous: [] },
      },
      logging: { level: "info" },
      metrics: { token: null, port: null },
      tracing: { endpoint: null, serviceName: null },
    });
  });

  it("applies to unset, empty and blank variables alike", () => {
    expect(
      loadSettings({ HIAR_RATE_LIMIT_PER_SECOND: "", HIAR_RATE_LIMIT_BURST: " ", PORT: "\t" }),
    ).toStrictEqual(DEFAULT_SETTINGS);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(DEFAULT_SETTINGS.worker.webhooks)).toBe(true);
  });
});

describe("the HTTP server", () => {
  it("reads the bounds, port, host and shutdown wait (seconds, fractions allowed)", () => {
    expect(
      loadSettings({
        PORT: "8080",
        HOST: "127.0.0.1",
        HTTP_HEADERS_TIMEOUT_SECONDS: "5",
        HTTP_REQUEST_TIMEOUT_SECONDS: "60",
        HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: "65",
        HTTP_MAX_CONNECTIONS: "100",
        SHUTDOWN_TIMEOUT_SECONDS: "2.5",
      }).server,
    ).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 100,
      shutdownTimeoutMs: 2_500,
    });
    expect(loadSettings({ HOST: "::1" }).server.host).toBe("::1");
    expect(loadSettings({ HOST: "db.internal" }).server.host).toBe("db.internal");
  });

  it.each([
    ["PORT", "http", "an integer from 0 to 65535"],
    ["PORT", "65536", "an integer from 0 to 65535"],
    ["HOST", "a b", "an IP address or a host name"],
    ["HTTP_HEADERS_TIMEOUT_SECONDS", "0", "a number from 1 to 300"],
    ["HTTP_REQUEST_TIMEOUT_SECONDS", "-5", "a number from 1 to 3600"],
    ["HTTP_KEEP_ALIVE_TIMEOUT_SECONDS", "601", "a number from 1 to 600"],
    ["HTTP_MAX_CONNECTIONS", "1.5", "an integer from 1 to 1000000"],
    ["SHUTDOWN_TIMEOUT_SECONDS", "-1", "a number from 0 to 3600"],
  ])("refuses %s=%s: it must be %s", (name, value, rule) => {
    expect(problems({ [name]: value })).toEqual([
      `${name} must be ${rule}, got ${JSON.stringify(value)}`,
    ]);
  });

  it("wants the whole request's timeout at least the headers'", () => {
    expect(
      problems({ HTTP_HEADERS_TIMEOUT_SECONDS: "60", HTTP_REQUEST_TIMEOUT_SECONDS: "30" }),
    ).toEqual([
      'HTTP_REQUEST_TIMEOUT_SECONDS must be at least HTTP_HEADERS_TIMEOUT_SECONDS (the headers are part of the request), got "30"',
    ]);
    // Not said again when one of them is malformed itself.
    expect(
      problems({ HTTP_HEADERS_TIMEOUT_SECONDS: "soon", HTTP_REQUEST_TIMEOUT_SECONDS: "5" }),
    ).toEqual(['HTTP_HEADERS_TIMEOUT_SECONDS must be a number from 1 to 300, got "soon"']);
  });

  it("knows development from production by NODE_ENV", () => {
    expect(loadSettings({ NODE_ENV: "development" }).server).toMatchObject({
      development: true,
      production: false,
    });
    expect(loadSettings({ NODE_ENV: " production " }).server).toMatchObject({
      nodeEnv: "production",
      development: false,
      production: true,
    });
  });

  it("settles NODE_ENV for the entry: development stays, anything else becomes production", () => {
    const dev: NodeJS.ProcessEnv = { NODE_ENV: "development" };
    expect(settleNodeEnv(dev)).toBe("development");
    expect(dev.NODE_ENV).toBe("development");
    for (const value of [undefined, "", "test", "staging"]) {
      const env: NodeJS.ProcessEnv = { NODE_ENV: value };
      expect(settleNodeEnv(env)).toBe("production");
      expect(env.NODE_ENV).toBe("production");
    }
  });
});

describe("TRUST_PROXY", () => {
  it("trusts no proxy unless told", () => {
    for (const value of ["", " ", "0", "false", "FALSE"]) {
      expect(loadSettings({ TRUST_PROXY: value }).proxy.trust).toEqual({ kind: "none" });
    }
    expect(loadSettings({}).proxy.trust).toEqual({ kind: "none" });
  });

  it("takes a hop count or a list of addresses, ranges and names", () => {
    expect(loadSettings({ TRUST_PROXY: "2" }).proxy.trust).toEqual({ kind: "hops", hops: 2 });
    expect(
      loadSettings({ TRUST_PROXY: "loopback, 10.0.0.0/8,192.168.1.1, fd00::/8,uniquelocal" }).proxy
        .trust,
    ).toEqual({
      kind: "ranges",
      ranges: ["loopback", "10.0.0.0/8", "192.168.1.1", "fd00::/8", "uniquelocal"],
    });
  });

  it.each([
    ["true", "would let any client name its own address"],
    ["11", "hop count from 0 to 10"],
    ["10.0.0.0/33", "invalid range"],
    ["proxy.internal", "invalid IP address: proxy.internal"],
    ["-1", "invalid IP address"],
  ])("refuses TRUST_PROXY=%s, naming it", (value, reason) => {
    const [line, ...more] = problems({ TRUST_PROXY: value });
    expect(more).toEqual([]);
    expect(line).toMatch(/^TRUST_PROXY must /);
    expect(line).toContain(reason);
  });
});

describe("the REST API", () => {
  it("keeps the capability prefix and the date window", () => {
    expect(
      loadSettings({ HIAR_CAPABILITY_PREFIX: "acme/", HIAR_DATE_WINDOW_SECONDS: "60" }).rest,
    ).toMatchObject({ capabilityPrefix: "/acme", dateWindowSeconds: 60 });
    expect(loadSettings({ HIAR_CAPABILITY_PREFIX: "/a/b//" }).rest.capabilityPrefix).toBe("/a/b");
    refuses({ HIAR_DATE_WINDOW_SECONDS: "0" }, "HIAR_DATE_WINDOW_SECONDS");
    for (const prefix of ["/a b", "/", "/a?b"]) {
      refuses({ HIAR_CAPABILITY_PREFIX: prefix }, "HIAR_CAPABILITY_PREFIX");
    }
  });

  it("reads both rate limit variables; the rate may be a fraction", () => {
    expect(
      loadSettings({ HIAR_RATE_LIMIT_PER_SECOND: " 2.5 ", HIAR_RATE_LIMIT_BURST: "10" }).rest
        .rateLimit,
    ).toEqual({ perSecond: 2.5, burst: 10 });
    expect(loadSettings({ HIAR_RATE_LIMIT_BURST: "1" }).rest.rateLimit).toEqual({
      perSecond: 100,
      burst: 1,
    });
  });

  it("has no rate limit when either is 0", () => {
    expect(loadSettings({ HIAR_RATE_LIMIT_PER_SECOND: "0" }).rest.rateLimit).toBeNull();
    expect(loadSettings({ HIAR_RATE_LIMIT_BURST: "0" }).rest.rateLimit).toBeNull();
  });

  it.each([
    ["HIAR_RATE_LIMIT_PER_SECOND", "-1"],
    ["HIAR_RATE_LIMIT_PER_SECOND", "fast"],
    ["HIAR_RATE_LIMIT_PER_SECOND", "Infinity"],
    ["HIAR_RATE_LIMIT_PER_SECOND", "1e9"],
    ["HIAR_RATE_LIMIT_BURST", "1.5"],
    ["HIAR_RATE_LIMIT_BURST", "-3"],
    ["HIAR_RATE_LIMIT_BURST", "10x"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    refuses({ [name]: value }, name);
  });

  it("states the rule in the message", () => {
    expect(problems({ HIAR_RATE_LIMIT_BURST: "lots" })).toEqual([
      'HIAR_RATE_LIMIT_BURST must be an integer from 0 to 1000000, got "lots"',
    ]);
  });
});

describe("app secrets", () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  const old = Buffer.alloc(32, 9).toString("base64");

  it("takes a 32-byte base64 key, earlier keys comma-separated, and the rotation overlap", () => {
    const settings = loadSettings({
      APP_SECRET_ENCRYPTION_KEY: key,
      APP_SECRET_ENCRYPTION_PREVIOUS_KEYS: ` ${old} , ${key},`,
      APP_SECRET_ROTATION_OVERLAP_HOURS: "0.5",
    });
    expect(settings.appSecrets).toEqual({ rotationOverlapMs: 1_800_000 });
    expect(settings.database.appSecretKeys).toEqual({ current: key, previous: [old, key] });
  });

  it("refuses a key that is not 32 bytes of base64, without echoing it", () => {
    for (const bad of [Buffer.alloc(16).toString("base64"), "x".repeat(44), `${key}A`]) {
      expect(problems({ APP_SECRET_ENCRYPTION_KEY: bad })).toEqual([
        "APP_SECRET_ENCRYPTION_KEY must be 32 bytes in base64 (`openssl rand -base64 32`)",
      ]);
    }
    expect(problems({ APP_SECRET_ENCRYPTION_PREVIOUS_KEYS: `${old},short` })).toHaveLength(1);
    expect(problems({ APP_SECRET_ROTATION_OVERLAP_HOURS: "721" })).toHaveLength(1);
  });
});

describe("the console", () => {
  it("takes the cookie-signing key, trimmed, and no key when unset", () => {
    const key = "k".repeat(32);
    expect(loadSettings({ CONSOLE_SESSION_SECRET: ` ${key} ` }).console.sessionSecret).toBe(key);
    for (const blank of ["", "   "]) {
      expect(loadSettings({ CONSOLE_SESSION_SECRET: blank }).console.sessionSecret).toBeNull();
    }
  });

  it("refuses a short key without echoing it", () => {
    expect(problems({ CONSOLE_SESSION_SECRET: "short-secret" })).toEqual([
      "CONSOLE_SESSION_SECRET must be at least 32 characters (e.g. `openssl rand -base64 48`)",
    ]);
  });

  it("throttles 5 failed sign-ins per 300 s by default; 0 failures turns it off", () => {
    expect(
      loadSettings({ CONSOLE_SIGN_IN_MAX_FAILURES: "0", CONSOLE_SIGN_IN_WINDOW_SECONDS: "60" })
        .console.signInThrottle,
    ).toEqual({ maxFailures: 0, windowSeconds: 60 });
  });

  it.each([
    ["CONSOLE_SIGN_IN_MAX_FAILURES", "-1"],
    ["CONSOLE_SIGN_IN_MAX_FAILURES", "2.5"],
    ["CONSOLE_SIGN_IN_WINDOW_SECONDS", "0"],
    ["CONSOLE_SIGN_IN_WINDOW_SECONDS", "86401"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    refuses({ [name]: value }, name);
  });
});

describe("the rate-limit store", () => {
  const pg = "postgres://db.internal/collab";
  const redis = "redis://:hunter2@cache.internal:6379/0";

  it("is shared when the deployment has a shared database or a Redis, else per process", () => {
    expect(loadSettings({}).limits).toStrictEqual({ store: "memory", redis: null });
    expect(loadSettings({ DATABASE_URL: pg }).limits).toStrictEqual({
      store: "postgres",
      redis: null,
    });
    expect(loadSettings({ DATABASE_URL: pg, REDIS_URL: redis }).limits).toStrictEqual({
      store: "redis",
      redis: { url: redis, keyPrefix: "collab:" },
    });
  });

  it("takes RATE_LIMIT_STORE over the default, and a key prefix", () => {
    expect(loadSettings({ DATABASE_URL: pg, RATE_LIMIT_STORE: "memory" }).limits.store).toBe(
      "memory",
    );
    expect(
      loadSettings({ RATE_LIMIT_STORE: "redis", REDIS_URL: redis, REDIS_KEY_PREFIX: "eu1:" })
        .limits,
    ).toStrictEqual({ store: "redis", redis: { url: redis, keyPrefix: "eu1:" } });
    expect(loadSettings({ RATE_LIMIT_STORE: "postgres", REDIS_URL: redis }).limits).toStrictEqual({
      store: "postgres",
      redis: null,
    });
  });

  it("refuses redis without REDIS_URL, another store, and a URL that is no Redis one (never echoing it)", () => {
    refuses({ RATE_LIMIT_STORE: "redis" }, "RATE_LIMIT_STORE");
    refuses({ RATE_LIMIT_STORE: "etcd" }, "RATE_LIMIT_STORE");
    const lines = problems({ REDIS_URL: "http://:hunter2@cache.internal" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(lines[0]).not.toContain("hunter2");
  });
});

describe("busy detection", () => {
  it("is off by default, HIAR_BUSY_DETECTION=1 or true turns it on", () => {
    expect(loadSettings({}).calls.busyDetection).toBe(false);
    expect(loadSettings({ HIAR_BUSY_DETECTION: "1" }).calls.busyDetection).toBe(true);
    expect(loadSettings({ HIAR_BUSY_DETECTION: "true" }).calls.busyDetection).toBe(true);
    expect(loadSettings({ HIAR_BUSY_DETECTION: "0" }).calls.busyDetection).toBe(false);
  });

  it("refuses anything else, naming the variable", () => {
    expect(problems({ HIAR_BUSY_DETECTION: "yes" })).toEqual([
      'HIAR_BUSY_DETECTION must be 1 or 0, got "yes"',
    ]);
  });
});

describe("the calling timeout", () => {
  it("is 60 s by default, HIAR_CALLING_TIMEOUT_SECONDS otherwise (fractions too)", () => {
    expect(loadSettings({ HIAR_CALLING_TIMEOUT_SECONDS: "1.5" }).calls.callingTimeoutSeconds).toBe(
      1.5,
    );
    expect(
      loadSettings({ HIAR_CALLING_TIMEOUT_SECONDS: "86400" }).calls.callingTimeoutSeconds,
    ).toBe(86_400);
  });

  it.each(["0", "-1", "abc", "86401"])("refuses HIAR_CALLING_TIMEOUT_SECONDS=%s", (bad) => {
    expect(problems({ HIAR_CALLING_TIMEOUT_SECONDS: bad })).toEqual([
      `HIAR_CALLING_TIMEOUT_SECONDS must be a number of seconds in (0, 86400], got ${JSON.stringify(bad)}`,
    ]);
  });
});

describe("the worker and webhooks", () => {
  it("reads the environment in the worker's units", () => {
    const worker = loadSettings({
      WORKER_POLL_INTERVAL_MS: "100",
      WORKER_SWEEP_INTERVAL_MS: "100",
      WEBHOOK_TIMEOUT_SECONDS: "2.5",
      WEBHOOK_MAX_AGE_HOURS: "1",
      WEBHOOK_BACKOFF_BASE_SECONDS: "0.1",
      WEBHOOK_ATTEMPT_RETENTION_DAYS: "7",
      WEBHOOK_MAX_CONCURRENT_PER_APP: "2",
    }).worker;
    expect(worker).toMatchObject({ pollIntervalMs: 100, sweepIntervalMs: 100 });
    expect(worker.webhooks).toMatchObject({
      timeoutMs: 2_500,
      maxAgeMs: 3_600_000,
      backoffBaseMs: 100,
      backoffMaxMs: 3_600_000,
      maxConcurrentPerApp: 2,
      attemptRetentionMs: 7 * 86_400_000,
    });
  });

  it("refuses what is not positive, naming the variable", () => {
    expect(problems({ WEBHOOK_TIMEOUT_SECONDS: "soon" })).toEqual([
      'WEBHOOK_TIMEOUT_SECONDS must be a positive number, got "soon"',
    ]);
    refuses({ WORKER_POLL_INTERVAL_MS: "0" }, "WORKER_POLL_INTERVAL_MS");
    refuses({ WORKER_SWEEP_INTERVAL_MS: "-1" }, "WORKER_SWEEP_INTERVAL_MS");
    refuses({ WEBHOOK_MAX_AGE_HOURS: "0" }, "WEBHOOK_MAX_AGE_HOURS");
    refuses({ WEBHOOK_BACKOFF_MAX_SECONDS: "x" }, "WEBHOOK_BACKOFF_MAX_SECONDS");
    refuses({ WEBHOOK_ATTEMPT_RETENTION_DAYS: "-7" }, "WEBHOOK_ATTEMPT_RETENTION_DAYS");
    expect(problems({ WEBHOOK_MAX_CONCURRENT_PER_APP: "2.5" })).toEqual([
      'WEBHOOK_MAX_CONCURRENT_PER_APP must be a positive integer, got "2.5"',
    ]);
  });

  it("runs the worker in the server unless WORKER_IN_SERVER is 0", () => {
    for (const on of ["1", "true", " TRUE "]) {
      expect(loadSettings({ WORKER_IN_SERVER: on }).worker.inServer).toBe(true);
    }
    for (const off of ["0", "false", "False"]) {
      expect(loadSettings({ WORKER_IN_SERVER: off }).worker.inServer).toBe(false);
    }
    expect(problems({ WORKER_IN_SERVER: "maybe" })).toEqual([
      'WORKER_IN_SERVER must be 1 or 0, got "maybe"',
    ]);
  });

  it("blocks private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=1", () => {
    const allowed = (value: string) =>
      loadSettings({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: value }).worker.webhooks.allowPrivateNetworks;
    expect(allowed("1")).toBe(true);
    expect(allowed("true")).toBe(true);
    expect(allowed(" TRUE ")).toBe(true);
    expect(allowed("0")).toBe(false);
    expect(allowed("false")).toBe(false);
    expect(allowed("")).toBe(false);
    for (const bad of ["on", "yes"]) {
      expect(problems({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: bad })).toEqual([
        `WEBHOOK_ALLOW_PRIVATE_NETWORKS must be 1 or 0, got "${bad}"`,
      ]);
    }
  });
});

describe("the database", () => {
  it("uses DATABASE_URL when set, else the embedded database (PGLITE_DATA_DIR made absolute)", () => {
    expect(loadSettings({ DATABASE_URL: " postgresql://u:p@db:5432/app " }).database).toStrictEqual(
      {
        databaseUrl: "postgresql://u:p@db:5432/app",
        dataDir: undefined,
        connectTimeoutMs: 5_000,
        queryTimeoutMs: 20_000,
        connectionLifetimeSeconds: 60,
        appSecretKeys: { current: null, previous: [] },
      },
    );
    const { dataDir } = loadSettings({ PGLITE_DATA_DIR: "data/pglite" }).database;
    expect(dataDir).toBe(`${process.cwd()}/data/pglite`);
  });

  it("bounds connecting and each query (DATABASE_CONNECT/QUERY_TIMEOUT_SECONDS), fractions allowed", () => {
    const { database } = loadSettings({
      DATABASE_CONNECT_TIMEOUT_SECONDS: "1.5",
      DATABASE_QUERY_TIMEOUT_SECONDS: "60",
    });
    expect([database.connectTimeoutMs, database.queryTimeoutMs]).toEqual([1_500, 60_000]);
    refuses({ DATABASE_CONNECT_TIMEOUT_SECONDS: "0" }, "DATABASE_CONNECT_TIMEOUT_SECONDS");
    refuses({ DATABASE_QUERY_TIMEOUT_SECONDS: "soon" }, "DATABASE_QUERY_TIMEOUT_SECONDS");
  });

  it("retires pooled connections after DATABASE_CONNECTION_LIFETIME_SECONDS (0: never)", () => {
    expect(loadSettings({}).database.connectionLifetimeSeconds).toBe(60);
    const never = loadSettings({ DATABASE_CONNECTION_LIFETIME_SECONDS: "0" }).database;
    expect(never.connectionLifetimeSeconds).toBe(0);
    refuses({ DATABASE_CONNECTION_LIFETIME_SECONDS: "-1" }, "DATABASE_CONNECTION_LIFETIME_SECONDS");
  });

  it("refuses a DATABASE_URL that is not PostgreSQL's, never echoing it (it may hold a password)", () => {
    expect(problems({ DATABASE_URL: "mysql://root:hunter2@db/app" })).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL, not mysql://…",
    ]);
    expect(problems({ DATABASE_URL: "hunter2 at db" })).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL (it does not parse)",
    ]);
  });
});

describe("metrics", () => {
  it("are off the server's port without METRICS_TOKEN; METRICS_PORT gives them a port of their own", () => {
    const settings = loadSettings({
      METRICS_TOKEN: "0123456789abcdef",
      METRICS_PORT: "9464",
    }).metrics;
    expect(settings).toStrictEqual({ token: "0123456789abcdef", port: 9464 });
  });

  it("refuses a short token without echoing it, and a port out of range", () => {
    expect(problems({ METRICS_TOKEN: "short-secret" })).toEqual([
      "METRICS_TOKEN must be at least 16 characters",
    ]);
    refuses({ METRICS_PORT: "0" }, "METRICS_PORT");
    refuses({ METRICS_PORT: "70000" }, "METRICS_PORT");
  });
});

describe("traces", () => {
  it("are sent to OTEL_EXPORTER_OTLP_ENDPOINT when set, as OTEL_SERVICE_NAME", () => {
    expect(
      loadSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_SERVICE_NAME: "collab-eu",
      }).tracing,
    ).toStrictEqual({ endpoint: "http://collector:4318", serviceName: "collab-eu" });
    refuses({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT");
    refuses(
      { OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317" },
      "OTEL_EXPORTER_OTLP_ENDPOINT",
    );
  });
});

describe("logging", () => {
  it("is info, silent under tests (NODE_ENV=test), or LOG_LEVEL", () => {
    expect(loadSettings({}).logging.level).toBe("info");
    expect(loadSettings({ NODE_ENV: "test" }).logging.level).toBe("silent");
    expect(loadSettings({ NODE_ENV: "test", LOG_LEVEL: "debug" }).logging.level).toBe("debug");
    expect(problems({ LOG_LEVEL: "loud" })).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });
});

describe("malformed settings", () => {
  it("are reported all at once, one line per variable, each naming it, in the README's order", () => {
    let thrown: unknown;
    try {
      loadSettings({
        LOG_LEVEL: "loud",
        PORT: "http",
        HIAR_RATE_LIMIT_BURST: "many",
        HIAR_DATE_WINDOW_SECONDS: "0",
        HIAR_CAPABILITY_PREFIX: "/a b",
        TRUST_PROXY: "yes",
        HTTP_HEADERS_TIMEOUT_SECONDS: "60",
        HTTP_REQUEST_TIMEOUT_SECONDS: "30",
        SHUTDOWN_TIMEOUT_SECONDS: "-1",
        HIAR_CALLING_TIMEOUT_SECONDS: "soon",
        WEBHOOK_TIMEOUT_SECONDS: "0",
        WORKER_IN_SERVER: "maybe",
        CONSOLE_SIGN_IN_MAX_FAILURES: "1.5",
        DATABASE_URL: "mysql://root:hunter2@db/app",
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    const error = thrown as SettingsError;
    expect(error.problems.map((line) => line.split(" ")[0])).toEqual([
      "PORT",
      "HTTP_REQUEST_TIMEOUT_SECONDS",
      "SHUTDOWN_TIMEOUT_SECONDS",
      "TRUST_PROXY",
      "HIAR_CAPABILITY_PREFIX",
      "HIAR_DATE_WINDOW_SECONDS",
      "HIAR_RATE_LIMIT_BURST",
      "CONSOLE_SIGN_IN_MAX_FAILURES",
      "HIAR_CALLING_TIMEOUT_SECONDS",
      "WORKER_IN_SERVER",
      "WEBHOOK_TIMEOUT_SECONDS",
      "DATABASE_URL",
      "LOG_LEVEL",
    ]);
    expect(error.message).toBe(
      `Malformed settings:\n${error.problems.map((line) => `  - ${line}`).join("\n")}`,
    );
    expect(error.message).not.toContain("hunter2");
  });

  it("ignores variables that are not settings", () => {
    expect(loadSettings({ PATH: "/usr/bin", HOME: "/root" })).toStrictEqual(DEFAULT_SETTINGS);
  });
});
