import { CreateCollaborationRequest, type HiarError } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { planCreateMembers } from "./create-plan";
import { isStoredId } from "./ids";
import { pageSize } from "./query-collaborations-by-user";
import { MAX_UNIX_SECONDS, timeRange, unixSecondsToDate } from "./times";

function errorOf(fn: () => unknown): HiarError | undefined {
  try {
    fn();
  } catch (error) {
    return error as HiarError;
  }
  return undefined;
}

describe("unixSecondsToDate / timeRange", () => {
  it("0 is unset; seconds become instants", () => {
    expect(unixSecondsToDate(0, "beginTime")).toBeNull();
    expect(unixSecondsToDate(1688180400, "beginTime")).toStrictEqual(new Date(1688180400_000));
    expect(unixSecondsToDate(MAX_UNIX_SECONDS, "x")?.toISOString()).toBe(
      "9999-12-31T23:59:59.000Z",
    );
  });

  it("negative or too large is INVALID_PARAM naming the field", () => {
    for (const bad of [-1, MAX_UNIX_SECONDS + 1, Number.MAX_SAFE_INTEGER, 1.5]) {
      const error = errorOf(() => unixSecondsToDate(bad, "endTime"));
      expect(error?.reason).toBe("INVALID_PARAM");
      expect(error?.field).toBe("endTime");
    }
  });

  it("end before begin is INVALID_PARAM at endTime; equal or open ends pass", () => {
    expect(errorOf(() => timeRange(20, 10))?.field).toBe("endTime");
    expect(timeRange(10, 10)).toStrictEqual({ begin: new Date(10_000), end: new Date(10_000) });
    expect(timeRange(20, 0)).toStrictEqual({ begin: new Date(20_000), end: null });
    expect(timeRange(0, 10)).toStrictEqual({ begin: null, end: new Date(10_000) });
  });
});

describe("isStoredId", () => {
  it("accepts 32 lowercase hex characters only", () => {
    expect(isStoredId("f1fe8ecdc0a3481a8cb84bee63204965")).toBe(true);
    for (const bad of [
      "F1FE8ECDC0A3481A8CB84BEE63204965",
      "f1fe8ecdc0a3481a8cb84bee63204965 ",
      "f1fe8ecdc0a3481a8cb84bee6320496",
      "f1fe8ecd-c0a3-481a-8cb8-4bee63204965",
      "",
      "string",
    ]) {
      expect(isStoredId(bad)).toBe(false);
    }
  });
});

describe("pageSize", () => {
  it("0 → 20, 1–100 as given, out of range clamped", () => {
    expect(pageSize(0)).toBe(20);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
    expect(pageSize(101)).toBe(100);
    expect(pageSize(-3)).toBe(20);
  });
});

describe("planCreateMembers", () => {
  it("adds the creator first when not listed, with defaults", () => {
    const input = CreateCollaborationRequest.parse({
      userID: "boss",
      members: [{ userID: "a", roles: [1] }, { userID: "b" }],
    });
    expect(planCreateMembers(input).map((m) => m.userID)).toStrictEqual(["boss", "a", "b"]);
    expect(planCreateMembers(input)[0]).toStrictEqual({
      userID: "boss",
      confirmState: "CONFIRM_UNSPECIFIED",
      deviceType: 0,
      roles: [],
    });
  });

  it("keeps a listed creator's fields, once, first", () => {
    const input = CreateCollaborationRequest.parse({
      userID: "boss",
      members: [{ userID: "a" }, { userID: "boss", confirmState: "CONFIRM_ACCEPT", roles: [9] }],
    });
    const members = planCreateMembers(input);
    expect(members.map((m) => m.userID)).toStrictEqual(["boss", "a"]);
    expect(members[0]).toMatchObject({ confirmState: "CONFIRM_ACCEPT", roles: [9] });
  });

  it("no members: just the creator", () => {
    expect(planCreateMembers(CreateCollaborationRequest.parse({ userID: "boss" }))).toHaveLength(1);
  });

  it("a userID listed twice is INVALID_PARAM at the later one", () => {
    const input = CreateCollaborationRequest.parse({ userID: "boss", members: [{ userID: "a" }] });
    const a = input.members[0];
    if (!a) throw new Error("no member");
    const error = errorOf(() =>
      planCreateMembers({ ...input, members: [a, { ...a, userID: "b" }, a] }),
    );
    expect(error?.reason).toBe("INVALID_PARAM");
    expect(error?.field).toBe("members[2].userID");
  });
});
