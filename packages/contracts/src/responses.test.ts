import { describe, expect, expectTypeOf, test } from "vitest";
import type { MemberInfo } from "./member";
import {
  buildCollaborationInfo,
  buildCreateResp,
  buildMemberInfo,
  buildQueryByUserResp,
  buildRuleSettings,
  buildSessionInfo,
  CollaborationInfo,
  CreateResp,
  MemberInfoJson,
  QueryByUserResp,
  RuleSettingsJson,
  SessionInfo,
} from "./responses";

// The collaboration example of hiar-openapi.md (POST /user/query), as far as it survives.
const DOC_EXAMPLE = {
  collaborationID: "f1fe8ecdc0a3481a8cb84bee63204965",
  state: "COLLABORATION_START",
  sessionInfo: {
    sessionID: "c3d6cd1519e54ed0a64741b4bed83ac2",
    sessionState: "SESSION_SCHEDULE",
    beginTime: "1688180400",
    endTime: "1688184000",
    tools: [],
    starterID: "",
    extra: "media configs",
    recordState: "RECORD_STATE_UNSPECIFIED",
  },
  members: {
    user01: {
      userID: "user01",
      confirmState: "CONFIRM_ACCEPT",
      memberSessionState: "MEMBER_UNSPECIFIED",
      medias: [],
      tools: [],
      roles: [1],
    },
  },
};

const DEFAULT_RULES = {
  stopControl: "STOP_ZERO",
  closeControl: "CLOSE_UNSPECIFIED",
  numberLimit: 0,
  autoRecord: false,
  isMuteIn: false,
  isCameraOffIn: false,
  confirmControl: false,
  roleControl: false,
  roleRights: [],
  mediaControl: { audioLimit: 0, videoLimit: 0, audios: [], videos: [], mediaSet: [], mutex: [] },
  toolControl: { toolSet: [], mutex: [] },
};

const domainCollaboration = {
  collaborationID: "f1fe8ecdc0a3481a8cb84bee63204965",
  state: "COLLABORATION_START" as const,
  sessionInfo: {
    sessionID: "c3d6cd1519e54ed0a64741b4bed83ac2",
    sessionState: "SESSION_SCHEDULE" as const,
    beginTime: 1688180400,
    endTime: 1688184000n,
    extra: "media configs",
  },
  members: [{ userID: "user01", confirmState: "CONFIRM_ACCEPT" as const, roles: [1] }],
  userID: "user01",
  detail: "weekly review",
  beginTime: new Date(1688180400_000),
  endTime: 1688184000,
};

describe("buildSessionInfo", () => {
  test("emits the doc's sessionInfo byte for byte (field order included)", () => {
    expect(JSON.stringify(buildSessionInfo(domainCollaboration.sessionInfo))).toBe(
      JSON.stringify(DOC_EXAMPLE.sessionInfo),
    );
  });

  test("every field is emitted with its default", () => {
    expect(buildSessionInfo({ sessionID: "s" })).toStrictEqual({
      sessionID: "s",
      sessionState: "SESSION_UNSPECIFIED",
      beginTime: "0",
      endTime: "0",
      tools: [],
      starterID: "",
      extra: "",
      recordState: "RECORD_STATE_UNSPECIFIED",
    });
    expect(buildSessionInfo({ sessionID: "s", beginTime: null, starterID: null }).beginTime).toBe(
      "0",
    );
  });

  test("tools are copied, not aliased", () => {
    const tools = [{ kind: 1, extra: "", userID: "u" }];
    const out = buildSessionInfo({ sessionID: "s", tools });
    expect(out.tools).toStrictEqual(tools);
    expect(out.tools[0]).not.toBe(tools[0]);
  });
});

describe("buildMemberInfo", () => {
  test("every field emitted; unset enums as their zero name", () => {
    expect(buildMemberInfo({ userID: "u" })).toStrictEqual({
      userID: "u",
      confirmState: "CONFIRM_UNSPECIFIED",
      memberSessionState: "MEMBER_UNSPECIFIED",
      medias: [],
      tools: [],
      roles: [],
      deviceType: 0,
      seqID: 0,
      extra: "",
    });
  });

  test("a parsed request member goes out unchanged", () => {
    const member: MemberInfo = {
      userID: "u",
      confirmState: "CONFIRM_ACCEPT",
      memberSessionState: "MEMBER_TALKING",
      medias: [1],
      tools: [{ kind: 2, extra: "x", userID: "u" }],
      roles: [3],
      deviceType: 4,
      seqID: 5,
      extra: "e",
    };
    expect(buildMemberInfo(member)).toStrictEqual(member);
  });

  test("the wire type equals the request's output type", () => {
    expectTypeOf<MemberInfoJson>().toEqualTypeOf<MemberInfo>();
  });
});

describe("buildRuleSettings", () => {
  test("nothing stored → all defaults; a partial is completed; numbers become names", () => {
    expect(buildRuleSettings()).toStrictEqual(DEFAULT_RULES);
    expect(buildRuleSettings(null)).toStrictEqual(DEFAULT_RULES);
    expect(
      buildRuleSettings({
        numberLimit: 3,
        closeControl: 1,
        roleRights: [{ role: 1, rights: [3] }],
      }),
    ).toStrictEqual({
      ...DEFAULT_RULES,
      numberLimit: 3,
      closeControl: "CLOSE_MANUAL",
      roleRights: [{ role: 1, rights: ["RIGHT_ALL"] }],
    });
  });

  test("the extension callingTimeout: left out when 0 or absent, after HiAR's fields when set", () => {
    // Stored as parsed (with callingTimeout 0) or from before the extension: HiAR's wire exactly.
    expect(buildRuleSettings({ callingTimeout: 0 })).toStrictEqual(DEFAULT_RULES);
    expect(Object.keys(buildRuleSettings({ numberLimit: 2 }))).toStrictEqual(
      Object.keys(DEFAULT_RULES),
    );
    const set = buildRuleSettings({ numberLimit: 2, callingTimeout: "30" });
    expect(set).toStrictEqual({ ...DEFAULT_RULES, numberLimit: 2, callingTimeout: 30 });
    expect(Object.keys(set)).toStrictEqual([...Object.keys(DEFAULT_RULES), "callingTimeout"]);
    expect(RuleSettingsJson.parse(set)).toStrictEqual(set);
    expect(RuleSettingsJson.parse(DEFAULT_RULES)).toStrictEqual(DEFAULT_RULES);
    // When present it is a real timeout (1…86400), never 0 or a string.
    for (const bad of [0, 86_401, "30"]) {
      expect(RuleSettingsJson.safeParse({ ...DEFAULT_RULES, callingTimeout: bad }).success).toBe(
        false,
      );
    }
  });
});

describe("buildCollaborationInfo", () => {
  const built = buildCollaborationInfo(domainCollaboration);

  test("contains the doc's example", () => {
    expect(built).toMatchObject(DOC_EXAMPLE);
  });

  test("emits all 10 fields exactly", () => {
    expect(built).toStrictEqual({
      collaborationID: "f1fe8ecdc0a3481a8cb84bee63204965",
      state: "COLLABORATION_START",
      sessionInfo: DOC_EXAMPLE.sessionInfo,
      members: {
        user01: {
          userID: "user01",
          confirmState: "CONFIRM_ACCEPT",
          memberSessionState: "MEMBER_UNSPECIFIED",
          medias: [],
          tools: [],
          roles: [1],
          deviceType: 0,
          seqID: 0,
          extra: "",
        },
      },
      userID: "user01",
      detail: "weekly review",
      extra: "",
      beginTime: "1688180400",
      endTime: "1688184000",
      ruleSettings: DEFAULT_RULES,
    });
    expect(Object.keys(built)).toHaveLength(10);
  });

  test("passes its strict schema, and survives a JSON round trip unchanged", () => {
    expect(CollaborationInfo.parse(built)).toStrictEqual(built);
    expect(JSON.parse(JSON.stringify(built))).toStrictEqual(built);
  });

  test("a userID of __proto__ stays an ordinary key", () => {
    const info = buildCollaborationInfo({
      collaborationID: "c",
      sessionInfo: { sessionID: "s" },
      members: [{ userID: "__proto__" }],
    });
    expect(Object.keys(info.members)).toStrictEqual(["__proto__"]);
    expect(JSON.stringify(info.members)).toContain('"__proto__":{"userID":"__proto__"');
  });
});

describe("strict response schemas", () => {
  test("reject numbers where protojson emits names or strings", () => {
    const session = buildSessionInfo({ sessionID: "s" });
    expect(SessionInfo.safeParse(session).success).toBe(true);
    expect(SessionInfo.safeParse({ ...session, sessionState: 1 }).success).toBe(false);
    expect(SessionInfo.safeParse({ ...session, beginTime: 1688180400 }).success).toBe(false);
    expect(
      MemberInfoJson.safeParse({ ...buildMemberInfo({ userID: "u" }), confirmState: 1 }).success,
    ).toBe(false);
    expect(RuleSettingsJson.safeParse({ ...DEFAULT_RULES, stopControl: 0 }).success).toBe(false);
  });

  test("reject a missing field (every field must be emitted)", () => {
    const { tools: _tools, ...session } = buildSessionInfo({ sessionID: "s" });
    expect(SessionInfo.safeParse(session).success).toBe(false);
    const { extra: _extra, ...member } = buildMemberInfo({ userID: "u" });
    expect(MemberInfoJson.safeParse(member).success).toBe(false);
  });
});

describe("QueryByUserResp and CreateResp", () => {
  test("buildQueryByUserResp wraps infos", () => {
    const resp = buildQueryByUserResp([domainCollaboration]);
    expect(resp).toStrictEqual({ infos: [buildCollaborationInfo(domainCollaboration)] });
    expect(QueryByUserResp.parse(resp)).toStrictEqual(resp);
    expect(buildQueryByUserResp([])).toStrictEqual({ infos: [] });
  });

  test("buildCreateResp keeps exactly the two IDs", () => {
    const ids = { collaborationID: "c", sessionID: "s", extra: 1 } as unknown as CreateResp;
    expect(buildCreateResp(ids)).toStrictEqual({ collaborationID: "c", sessionID: "s" });
    expect(CreateResp.safeParse({ collaborationID: "c" }).success).toBe(false);
  });
});
