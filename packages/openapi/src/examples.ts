import {
  buildCollaborationInfo,
  createRespAny,
  EMPTY_ANY,
  type HiarOperationName,
  queryByUserRespAny,
  successEnvelope,
} from "@collab/contracts";

// Request and response examples. Every one is checked against its contract and the document's
// schema by the tests, so an example cannot describe something the server would refuse.

/** The request example of HiAR's invite page (seed-session-invite.txt), verbatim. */
export const HIAR_DOC_INVITE_EXAMPLE = {
  collaborationID: "string",
  sessionID: "string",
  userID: "string",
  members: [
    {
      userID: "string",
      confirmState: "CONFIRM_ACCEPT",
      memberSessionState: "MEMBER_CALLING",
      medias: [0],
      tools: [{ kind: 0, extra: "string", userID: "string" }],
      roles: [0],
      deviceType: 0,
      seqID: 0,
      extra: "string",
    },
  ],
} as const;

// IDs of HiAR's /user/query example (hiar-openapi.md), reused so the examples tell one story.
const COLLABORATION_ID = "f1fe8ecdc0a3481a8cb84bee63204965";
const SESSION_ID = "c3d6cd1519e54ed0a64741b4bed83ac2";

export interface NamedExample {
  readonly summary: string;
  readonly description?: string;
  readonly value: unknown;
}

export interface OperationExamples {
  /** The first is the one code samples use. */
  readonly request: Readonly<Record<string, NamedExample>>;
  readonly response: unknown;
}

export const OPERATION_EXAMPLES: Partial<Record<HiarOperationName, OperationExamples>> = {
  inviteSession: {
    request: {
      invite: {
        summary: "Ring two members",
        value: {
          collaborationID: COLLABORATION_ID,
          sessionID: SESSION_ID,
          userID: "user01",
          members: [
            { userID: "user02", memberSessionState: "MEMBER_CALLING", deviceType: 1 },
            { userID: "user03", roles: [2], extra: "joined from the web" },
          ],
        },
      },
      hiarDoc: {
        summary: "HiAR's documented example (verbatim)",
        description:
          "The body of HiAR's invite page. Its IDs are placeholders: as written the invitee is " +
          'the inviter ("string"), which this service refuses with INVALID_PARAM at ' +
          "`members[0].userID`; with any other inviter it is accepted as is.",
        value: HIAR_DOC_INVITE_EXAMPLE,
      },
    },
    response: successEnvelope(EMPTY_ANY),
  },
  createCollaboration: {
    request: {
      create: {
        summary: "A collaboration with two members and a cap of 10",
        value: {
          userID: "user01",
          detail: "weekly sync",
          beginTime: "1688180400",
          endTime: "1688184000",
          members: [
            { userID: "user02", roles: [1] },
            { userID: "user03", confirmState: "CONFIRM_ACCEPT" },
          ],
          ruleSettings: { numberLimit: 10, confirmControl: false },
        },
      },
    },
    response: successEnvelope(
      createRespAny({ collaborationID: COLLABORATION_ID, sessionID: SESSION_ID }),
    ),
  },
  queryCollaborationsByUser: {
    request: {
      query: {
        summary: "The first page of user01's collaborations, ended ones included",
        value: { userID: "user01", limit: 20, offset: 0, history: true },
      },
    },
    response: successEnvelope(
      queryByUserRespAny({
        infos: [
          buildCollaborationInfo({
            collaborationID: COLLABORATION_ID,
            state: "COLLABORATION_START",
            userID: "user01",
            beginTime: 1688180400,
            endTime: 1688184000,
            sessionInfo: {
              sessionID: SESSION_ID,
              sessionState: "SESSION_SCHEDULE",
              beginTime: 1688180400,
              endTime: 1688184000,
              extra: "media configs",
            },
            members: [{ userID: "user01", confirmState: "CONFIRM_ACCEPT", roles: [1] }],
          }),
        ],
      }),
    ),
  },
};
