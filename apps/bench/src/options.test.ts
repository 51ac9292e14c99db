import { describe, expect, it } from "vitest";
import { selectCases } from "./cases";
import { parseOptions } from "./options";

describe("parseOptions", () => {
  it("a full run: 20 s cases, 60 s timeout accuracy, 10-minute sustained cases only when asked", () => {
    const plain = parseOptions([], {});
    expect(plain).toMatchObject({
      durationSeconds: 20,
      timeoutsSeconds: 60,
      sustained: false,
      write: true,
    });
    expect(parseOptions(["--sustained"], {})).toMatchObject({ sustainedSeconds: 600, write: true });
  });

  it("--sustained-minutes shortens (and includes) the sustained cases, and writes nothing", () => {
    expect(parseOptions(["--sustained-minutes=2"], {})).toMatchObject({
      sustained: true,
      sustainedSeconds: 120,
      write: false,
    });
  });

  it("--smoke: every case, each for 2 s", () => {
    expect(parseOptions(["--smoke"], {})).toMatchObject({
      sustained: true,
      durationSeconds: 2,
      sustainedSeconds: 2,
      timeoutsSeconds: 2,
      warmupSeconds: 0,
      write: false,
    });
  });

  it("--rate-limit: off unless asked; a store measures the check and writes nothing", () => {
    expect(parseOptions([], {}).rateLimit).toBe("off");
    expect(parseOptions(["--rate-limit=postgres"], {})).toMatchObject({
      rateLimit: "postgres",
      write: false,
    });
    expect(() => parseOptions(["--rate-limit=etcd"], {})).toThrow(/--rate-limit must be one of/);
  });

  it("--encrypt-secrets: off unless asked, and writes nothing", () => {
    expect(parseOptions([], {}).encryptSecrets).toBe(false);
    expect(parseOptions(["--encrypt-secrets"], {})).toMatchObject({
      encryptSecrets: true,
      write: false,
    });
  });

  it("refuses nonsense", () => {
    expect(() => parseOptions(["--timeout-rate=0"], {})).toThrow(/> 0/);
    expect(() => parseOptions(["--duration=x"], {})).toThrow();
  });
});

describe("selectCases", () => {
  it("the sustained cases are opt-in, unless named", () => {
    const ids = (only: string[], optIn: boolean) => selectCases(only, optIn).map((c) => c.id);
    expect(ids([], false)).not.toContain("sustained-5@1h");
    expect(ids([], false)).toEqual(expect.arrayContaining(["timeouts-5@2s", "instances-5@2s"]));
    expect(ids([], true)).toEqual(expect.arrayContaining(["sustained-5@1h", "sustained-5@60s"]));
    expect(ids(["sustained"], false)).toEqual(["sustained-5@1h", "sustained-5@60s"]);
    expect(() => selectCases(["nope"], false)).toThrow(/matched no case/);
  });
});
