import { HIAR_OPERATIONS, type HiarError, parseOrThrow } from "@collab/contracts";
import { describe, expect, it } from "vitest";
import { assertJsonWithinBounds, JSON_BOUNDS, parseJsonBody } from "./read-body";

const bytes = (text: string) => Buffer.from(text);
const json = (value: unknown) => bytes(JSON.stringify(value));

function refusal(run: () => unknown): { reason: string; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    const { reason, message } = error as HiarError;
    return { reason, message };
  }
}

const ids = { collaborationID: "c".repeat(32), sessionID: "d".repeat(32), userID: "alice" };

describe("the bounded JSON parse", () => {
  it("refuses nesting deeper than the bound, however the brackets mix", () => {
    const within = `${'[{"a":'.repeat(8)}1${"}]".repeat(8)}`;
    expect(() => assertJsonWithinBounds(bytes(within))).not.toThrow();
    const deeper = `${"[".repeat(JSON_BOUNDS.maxDepth + 1)}${"]".repeat(JSON_BOUNDS.maxDepth + 1)}`;
    expect(refusal(() => parseJsonBody(bytes(deeper)))).toEqual({
      reason: "INVALID_PARAM",
      message: `request body: nests objects and arrays more than ${JSON_BOUNDS.maxDepth} deep`,
    });
    // 1 MiB of brackets is refused at the 17th.
    expect(refusal(() => parseJsonBody(bytes("[".repeat(1 << 20))))?.message).toContain("deep");
  });

  it("refuses more members and elements than the bound", () => {
    const atBound = `[${"0,".repeat(JSON_BOUNDS.maxValues - 2)}0]`;
    expect(() => assertJsonWithinBounds(bytes(atBound))).not.toThrow();
    const over = `[${"0,".repeat(JSON_BOUNDS.maxValues)}0]`;
    expect(refusal(() => parseJsonBody(bytes(over)))).toEqual({
      reason: "INVALID_PARAM",
      message: `request body: holds more than ${JSON_BOUNDS.maxValues} object members and array elements`,
    });
    const keys = Object.fromEntries(
      Array.from({ length: JSON_BOUNDS.maxValues + 1 }, (_, i) => [`k${i}`, i]),
    );
    expect(refusal(() => parseJsonBody(json(keys)))?.message).toContain("object members");
  });

  it("counts nothing inside strings, escaped quotes included", () => {
    const text = `{"a":"${"[{,".repeat(20_000)}\\"[[[[","b":"\\\\"}`;
    expect(parseJsonBody(bytes(text))).toEqual({
      a: `${"[{,".repeat(20_000)}"[[[[`,
      b: "\\",
    });
  });

  it("still names malformed JSON and invalid UTF-8", () => {
    expect(refusal(() => parseJsonBody(bytes("{")))?.message).toBe(
      "request body: is not valid JSON",
    );
    expect(refusal(() => parseJsonBody(bytes("]]]")))?.message).toBe(
      "request body: is not valid JSON",
    );
    expect(refusal(() => parseJsonBody(bytes("")))?.message).toBe(
      "request body: is not valid JSON",
    );
    expect(refusal(() => parseJsonBody(Buffer.from([0x7b, 0xff, 0x7d])))?.message).toBe(
      "request body: is not valid UTF-8",
    );
  });

  it("fits the largest bodies a HiAR client sends", () => {
    const member = (i: number) => ({
      userID: `member-${i}`,
      confirmState: "CONFIRM_ACCEPT",
      memberSessionState: "MEMBER_CALLING",
      medias: Array.from({ length: 20 }, (_, k) => k),
      tools: Array.from({ length: 10 }, (_, k) => ({ kind: k, extra: "{}", userID: "u" })),
      roles: Array.from({ length: 20 }, (_, k) => k),
      deviceType: 2,
      seqID: i,
      extra: "x".repeat(2_000),
    });
    const invite = { ...ids, members: Array.from({ length: 100 }, (_, i) => member(i)) };
    const parsed = parseOrThrow(HIAR_OPERATIONS.inviteSession.request, parseJsonBody(json(invite)));
    expect(parsed.members).toHaveLength(100);

    const create = {
      userID: "alice",
      detail: "d".repeat(4_000),
      extra: "e".repeat(4_000),
      members: Array.from({ length: 500 }, (_, i) => ({
        userID: `m-${i}`,
        confirmState: 1,
        deviceType: 2,
        roles: Array.from({ length: 14 }, (_, k) => k),
      })),
      ruleSettings: {
        numberLimit: 500,
        roleRights: Array.from({ length: 10 }, (_, role) => ({ role, rights: [1, 2, 3] })),
        mediaControl: { audioLimit: 1, videoLimit: 1, mutex: [{ medias: [1, 2] }] },
        toolControl: { toolSet: [1, 2, 3], mutex: [{ tools: [1, 2] }] },
      },
    };
    const created = parseOrThrow(
      HIAR_OPERATIONS.createCollaboration.request,
      parseJsonBody(json(create)),
    );
    expect(created.members).toHaveLength(500);
  });
});
