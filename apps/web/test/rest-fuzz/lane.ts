import {
  type CancelInviteRequest,
  COMMON_ERRORS,
  type CreateCollaborationRequest,
  canTransition,
  describeZodError,
  ERROR_CATALOGUE,
  ErrorEnvelope,
  type ErrorReason,
  HIAR_OPERATIONS,
  type HiarOperationName,
  type InviteSessionRequest,
  isLiveMemberState,
  type KickoutRequest,
  LIMITS,
  type MemberActionRequest,
  type MemberSessionStateName,
  QueryByUserResponse,
  type SessionStateName,
} from "@collab/contracts";
import { signRequestHeaders } from "@collab/hiar-auth";
import { type Credentials, hiarPost } from "../hiar-client";
import type { TestServer } from "../server";
import { addCounts, NO_ROWS, type TableCounter, type TableCounts } from "../table-counts";
import type { FuzzCase, Mutation } from "./arbitraries";
import { frameBytes, garbageBytes, type Json, jsonBulk, renderMutated } from "./render";

// One lane of the fuzz test: one app, one REST operation, a model of the app's sessions (so
// valid bodies name real IDs and members in the right states, and every 200 can be accounted
// for), and the oracle every answer is held to.

interface SessionModel {
  readonly collaborationID: string;
  readonly sessionID: string;
  readonly creator: string;
  state: SessionStateName;
  /** userID → state, in joining order. */
  readonly members: Map<string, MemberSessionStateName>;
  /** Created with its own calling timeout: its members may time out behind the model's back. */
  readonly timed: boolean;
  /**
   * Created with ruleSettings.busyDetection true (the server runs with it off by default): an
   * invitee talking in another live session of the app becomes MEMBER_BUSY instead of ringing.
   */
  readonly busyDetection: boolean;
}

/** A small deterministic PRNG (mulberry32), so a recipe's `pick` always makes the same choices. */
class Choices {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

const MEMBER_ACTION_TARGET: Partial<Record<HiarOperationName, MemberSessionStateName>> = {
  acceptCall: "MEMBER_TALKING",
  declineCall: "MEMBER_DECLINE",
  reportBusy: "MEMBER_BUSY",
  reportOffline: "MEMBER_OFFLINE",
  leaveSession: "MEMBER_LEFT",
};

/** Operations that take the optional reason and extra (docs/state-machine.md, "Reasons"). */
const REASONED: ReadonlySet<HiarOperationName> = new Set([
  "declineCall",
  "reportBusy",
  "leaveSession",
  "kickoutMember",
  "endSession",
  "cancelInvite",
]);

/** A valid reason and extra, or neither (what a HiAR client sends). */
function reasonFields(c: Choices): { [key: string]: Json } {
  if (c.chance(0.5)) return {};
  return {
    reason: c.pick(["", "busy", "no_answer", "wrong person 😀"]),
    extra: c.pick(["", '{"note":1}', "漢字"]),
  };
}

/** Setup rings members into a session only while it has fewer live ones than this. */
const ROOMY_LIVE_MEMBERS = 40;

/** Past these, a body may be refused for its parse cost alone (src/server/rest/read-body.ts). */
const COSTLY_DEPTH = 10;
const COSTLY_VALUES = 500;

export interface LaneStats {
  fuzz: number;
  setup: number;
  /** Generated bodies the contract accepted, so the domain ran. */
  reachedDomain: number;
  /** Generated requests by HTTP status. */
  byStatus: Map<number, number>;
}

export class FuzzFailure extends Error {
  override readonly name = "FuzzFailure";
}

interface Sent {
  readonly bytes: Uint8Array;
  readonly contentType: string | null;
  /** Allow a 400 for this body whatever the oracle says (e.g. a leading BOM: RFC 8259 says MAY). */
  readonly lenient?: boolean;
}

interface Answer {
  readonly status: number;
  readonly reason: string;
  readonly data: unknown;
  /** The contract accepted the body, so the domain ran. */
  readonly reachedDomain: boolean;
}

export class Lane {
  readonly sessions = new Map<string, SessionModel>();
  readonly stats: LaneStats = { fuzz: 0, setup: 0, reachedDomain: 0, byStatus: new Map() };
  #counts: TableCounts | undefined;
  #explained: TableCounts = NO_ROWS;
  #fresh = 0;

  constructor(
    readonly name: HiarOperationName,
    readonly server: TestServer,
    readonly app: Credentials,
    readonly tables: TableCounter | undefined,
    /** Another lane's session (other app), for tenancy mutations. */
    readonly foreignSession: (pick: number) => SessionModel | undefined,
  ) {}

  get operation() {
    return HIAR_OPERATIONS[this.name];
  }

  /** Rows this lane's 200s explain (PGlite: checked at the end only if a counter exists). */
  get explained(): TableCounts {
    return this.#explained;
  }

  async start(): Promise<void> {
    this.#counts = await this.tables?.counts(this.app.id);
    for (let i = 0; i < 3; i++) await this.#provisionSession(2, 2);
  }

  /**
   * Compares the server's view with the model, through /user/query of every creator the model
   * knows (and a member of any session not listed by then): each collaboration listed must be one
   * the model holds, with exactly its members in exactly their states, and every session of the
   * model must be listed. Catches what row counts cannot (a refused request that changed a state
   * or added a member) and works on PGlite, whose rows this test cannot count. Returns the
   * differences.
   */
  async verify(): Promise<string[]> {
    const differences: string[] = [];
    const seen = new Set<string>();
    const queried = new Set<string>();
    const users = function* (sessions: Iterable<SessionModel>) {
      const all = [...sessions];
      for (const s of all) yield s.creator;
      for (const s of all) if (!seen.has(s.sessionID)) yield* s.members.keys();
    };
    for (const userID of users(this.sessions.values())) {
      if (queried.has(userID)) continue;
      queried.add(userID);
      for (let offset = 0; ; offset += LIMITS.queryLimitMax) {
        const response = await hiarPost(this.server, this.app, "/user/query", {
          userID,
          history: true,
          limit: LIMITS.queryLimitMax,
          offset,
        });
        const page = QueryByUserResponse.safeParse(response.body);
        if (response.status !== 200 || !page.success) {
          differences.push(`/user/query ${userID}: HTTP ${response.status} ${response.text}`);
          break;
        }
        for (const info of page.data.data.infos) {
          const sessionID = info.sessionInfo.sessionID;
          if (seen.has(sessionID)) continue; // listed for each of its members; compare once
          seen.add(sessionID);
          const s = this.sessions.get(sessionID);
          if (!s) {
            differences.push(`collaboration ${info.collaborationID} is not one the lane created`);
            continue;
          }
          const server = Object.fromEntries(
            Object.entries(info.members).map(([u, m]) => [u, m.memberSessionState]),
          );
          const model = Object.fromEntries(s.members);
          if (JSON.stringify(sortKeys(server)) !== JSON.stringify(sortKeys(model))) {
            differences.push(
              `session ${sessionID}: members ${JSON.stringify(server)}, model ${JSON.stringify(model)}`,
            );
          }
          if (info.sessionInfo.sessionState !== s.state) {
            differences.push(
              `session ${sessionID}: ${info.sessionInfo.sessionState}, model ${s.state}`,
            );
          }
        }
        if (page.data.data.infos.length < LIMITS.queryLimitMax) break;
      }
    }
    for (const sessionID of this.sessions.keys()) {
      if (!seen.has(sessionID)) differences.push(`session ${sessionID} was not listed`);
    }
    return differences;
  }

  // --- the fuzz step ---------------------------------------------------------------------------

  /** Sends one generated request and holds the answer to the oracle and the row accounting. */
  async run(recipe: FuzzCase): Promise<void> {
    let sent: Sent;
    if (recipe.source === "garbage") {
      sent = {
        bytes: garbageBytes(recipe.body),
        contentType: recipe.transport.contentType,
      };
    } else {
      const template = await this.#template(recipe.pick, recipe.mutations);
      const text = renderMutated(template, recipe.mutations);
      sent = {
        bytes: frameBytes(text, recipe.frame),
        contentType: recipe.transport.contentType,
        lenient: recipe.frame.kind === "bom",
      };
    }
    this.stats.fuzz++;
    const answer = await this.#exchange(this.operation.path, this.name, sent);
    const { byStatus } = this.stats;
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    if (answer.reachedDomain) this.stats.reachedDomain++;
  }

  // --- templates: valid bodies built from the model -----------------------------------------------

  async #template(pick: number, mutations: readonly Mutation[]): Promise<Json> {
    const c = new Choices(pick);
    const body = await this.#validBody(c);
    // Tenancy: another app's real collaboration and session.
    const foreign = mutations.find((m) => m.kind === "foreignIds");
    if (foreign?.kind === "foreignIds" && "sessionID" in body) {
      const other = this.foreignSession(foreign.pick);
      if (other) {
        body.collaborationID = other.collaborationID;
        body.sessionID = other.sessionID;
      }
    }
    return body;
  }

  async #validBody(c: Choices): Promise<{ [key: string]: Json }> {
    const body = await this.#validBodyWithoutReason(c);
    return REASONED.has(this.name) ? { ...body, ...reasonFields(c) } : body;
  }

  async #validBodyWithoutReason(c: Choices): Promise<{ [key: string]: Json }> {
    switch (this.name) {
      case "createCollaboration":
        return this.#createBody(c);
      case "queryCollaborationsByUser": {
        const s = c.pick(this.#usable());
        const users = [s.creator, ...s.members.keys()];
        return {
          userID: c.chance(0.9) ? c.pick(users) : `nobody-${c.int(5)}`,
          beginTime: c.pick([0, "0", 1688180400, "1788180400"]),
          endTime: c.pick([0, 0, "2000000000"]),
          limit: c.pick([0, 1, 10, "100"]),
          offset: c.pick([0, 0, 1, "2"]),
          history: c.chance(0.5),
        };
      }
      case "inviteSession":
        return this.#inviteBody(c);
      case "fetchUserCalls": {
        const s = c.pick(this.#usable());
        const users = [s.creator, ...s.members.keys()];
        return {
          userID: c.chance(0.9) ? c.pick(users) : `nobody-${c.int(5)}`,
          beginTime: c.pick([0, "0", 1688180400]),
          endTime: c.pick([0, 0, "2000000000"]),
          outcome: c.pick(["", "", "missed", "answered", "ongoing"]),
          limit: c.pick([0, 1, 10, "100"]),
        };
      }
      case "kickoutMember": {
        if (c.chance(0.85)) await this.#ensureMemberIn(["MEMBER_TALKING"]);
        const [s, target] = this.#memberIn(c, ["MEMBER_TALKING"]);
        const others = [...s.members.keys()].filter((u) => u !== target);
        const kicker = c.chance(0.8) || others.length === 0 ? s.creator : c.pick(others);
        return { ...ids(s), userID: kicker, memberID: target };
      }
      case "cancelInvite": {
        // Ringing members of one session, stopped by their inviter (the creator, who rang them
        // all here), now and then by another member (PERMISSION_DENIED) or of a non-ringing one.
        if (c.chance(0.85)) await this.#ensureMemberIn(["MEMBER_CALLING"]);
        const [s, first] = this.#memberIn(c, ["MEMBER_CALLING"]);
        const ringing = [...s.members]
          .filter(([u, state]) => state === "MEMBER_CALLING" && u !== first)
          .map(([u]) => u);
        const members = [first, ...(c.chance(0.3) ? ringing.slice(0, 1 + c.int(2)) : [])];
        const others = [...s.members.keys()].filter((u) => !members.includes(u));
        const canceller = c.chance(0.85) || others.length === 0 ? s.creator : c.pick(others);
        return { ...ids(s), userID: canceller, members: members.filter((u) => u !== canceller) };
      }
      case "endSession": {
        if (c.chance(0.85)) await this.#ensureLiveSession();
        const live = this.#usable().filter((s) => s.state !== "SESSION_END");
        const s = c.chance(0.85) && live.length > 0 ? c.pick(live) : c.pick(this.#usable());
        const users = [...s.members.keys()];
        return { ...ids(s), userID: c.chance(0.8) ? s.creator : c.pick(users) };
      }
      default: {
        // accept, decline, busy, offline, leave: a member in a state the transition starts from.
        const from: MemberSessionStateName[] =
          this.name === "leaveSession"
            ? ["MEMBER_TALKING"]
            : this.name === "reportOffline"
              ? ["MEMBER_CALLING", "MEMBER_TALKING"]
              : ["MEMBER_CALLING"];
        if (c.chance(0.85)) await this.#ensureMemberIn(from);
        const [s, userID] = this.#memberIn(c, from);
        return { ...ids(s), userID };
      }
    }
  }

  #createBody(c: Choices): { [key: string]: Json } {
    const members = [...new Set(Array.from({ length: c.int(4) }, () => `m${c.int(20)}`))];
    return {
      userID: `creator-${c.int(8)}`,
      beginTime: c.pick([0, 1688180400, "1688180400"]),
      endTime: c.pick([0, "1788180400"]),
      detail: c.pick(["", "weekly sync", "漢字 😀"]),
      extra: c.pick(["", '{"k":1}', "extra\u0001"]),
      members: members.map((userID) => ({
        userID,
        confirmState: c.pick(["CONFIRM_ACCEPT", 2, "0"]),
        deviceType: c.pick([0, 1, "2"]),
        roles: c.pick([[], [1], ["1", 2]]),
      })),
      ruleSettings: {
        stopControl: "STOP_ZERO",
        closeControl: c.pick(["CLOSE_MANUAL", 0, "1"]),
        numberLimit: c.pick([0, 3, "50"]),
        autoRecord: c.chance(0.5),
        isMuteIn: c.chance(0.5),
        isCameraOffIn: c.chance(0.5),
        confirmControl: c.chance(0.5),
        roleControl: c.chance(0.5),
        roleRights: [{ role: 1, rights: c.pick([["RIGHT_KICKOUT"], [3, "1"]]) }],
        mediaControl: {
          audioLimit: 1,
          videoLimit: "2",
          audios: [1],
          videos: [2],
          mediaSet: [3],
          mutex: [{ medias: [1, 2] }],
        },
        toolControl: { toolSet: [1], mutex: [{ tools: [1, "2"] }] },
        callingTimeout: c.pick([0, 0, "0", 45]),
        busyDetection: c.pick([true, false, null]),
      },
    };
  }

  async #inviteBody(c: Choices): Promise<{ [key: string]: Json }> {
    if (c.chance(0.8)) await this.#ensureLiveSession();
    const live = this.#usable().filter((s) => s.state !== "SESSION_END");
    const s = c.chance(0.85) && live.length > 0 ? c.pick(live) : c.pick(this.#usable());
    const known = [...s.members.keys()];
    const roll = c.next();
    const inviter = roll < 0.7 ? s.creator : roll < 0.9 ? c.pick(known) : `stranger-${c.int(4)}`;
    const count = 1 + c.int(3);
    const userIDs = new Set<string>();
    for (let i = 0; i < count; i++) {
      const userID = c.chance(0.6) ? `n${c.int(30)}` : c.pick(known);
      if (userID !== inviter) userIDs.add(userID);
    }
    if (userIDs.size === 0) userIDs.add(`n${30 + c.int(10)}`);
    return {
      ...ids(s),
      userID: inviter,
      members: [...userIDs].map((userID) => ({
        userID,
        confirmState: c.pick(["CONFIRM_UNSPECIFIED", "CONFIRM_ACCEPT", 2]),
        memberSessionState: c.pick(["MEMBER_CALLING", 1, "1", "MEMBER_UNSPECIFIED"]),
        medias: c.pick([[], [1, "2"]]),
        tools: [
          { kind: c.pick([1, "3"]), extra: c.pick(["", "pen 🖊"]), userID: c.pick(["", "t1"]) },
        ],
        roles: c.pick([[], [1]]),
        deviceType: c.pick([0, 2, "3"]),
        seqID: c.pick([0, "7"]),
        extra: c.pick(["", "ring 🔔", "\u0007bell"]),
      })),
    };
  }

  /** Sessions valid bodies may name: never one whose members may time out on their own. */
  #usable(): SessionModel[] {
    return [...this.sessions.values()].filter((s) => !s.timed);
  }

  /** A (session, member) in one of `states` (from a live session), or any member. */
  #memberIn(c: Choices, states: readonly MemberSessionStateName[]): [SessionModel, string] {
    const candidates: [SessionModel, string][] = [];
    const all: [SessionModel, string][] = [];
    for (const s of this.#usable()) {
      for (const [userID, state] of s.members) {
        all.push([s, userID]);
        if (s.state !== "SESSION_END" && states.includes(state)) candidates.push([s, userID]);
      }
    }
    return c.chance(0.85) && candidates.length > 0 ? c.pick(candidates) : c.pick(all);
  }

  // --- keeping the model supplied with members to act on --------------------------------------

  async #ensureLiveSession(): Promise<SessionModel> {
    const live = this.#usable().find((s) => s.state !== "SESSION_END");
    return live ?? this.#provisionSession(2, 1);
  }

  async #ensureMemberIn(states: readonly MemberSessionStateName[]): Promise<void> {
    const has = this.#usable().some(
      (s) =>
        s.state !== "SESSION_END" &&
        [...s.members.values()].some((state) => states.includes(state)),
    );
    if (has) return;
    // Ring fresh members into a live session with room (answered members stay live, so a long
    // run would otherwise fill one session up to the member limit), or start a new session.
    const s = this.#usable().find(
      (x) =>
        x.state !== "SESSION_END" &&
        [...x.members.values()].filter(isLiveMemberState).length < ROOMY_LIVE_MEMBERS,
    );
    if (s === undefined) {
      await this.#provisionSession(2, 2);
      return;
    }
    const fresh = [this.#freshUser(), this.#freshUser(), this.#freshUser()];
    await this.#setup("inviteSession", {
      ...ids(s),
      userID: s.creator,
      members: fresh.map((userID) => ({ userID })),
    });
    if (!states.includes("MEMBER_CALLING")) {
      for (const userID of fresh.slice(0, 2))
        await this.#setup("acceptCall", { ...ids(s), userID });
    }
  }

  /** A new collaboration with `calling` members ringing and `talking` members in the call. */
  async #provisionSession(calling: number, talking: number): Promise<SessionModel> {
    const creator = `creator-${this.#freshUser()}`;
    const created = await this.#setup("createCollaboration", { userID: creator });
    const s = this.sessions.get((created.data as { sessionID: string }).sessionID);
    if (!s) throw new FuzzFailure("a created session is not in the model");
    const rung = Array.from({ length: calling + talking }, () => this.#freshUser());
    await this.#setup("inviteSession", {
      ...ids(s),
      userID: creator,
      members: rung.map((userID) => ({ userID })),
    });
    for (const userID of rung.slice(0, talking))
      await this.#setup("acceptCall", { ...ids(s), userID });
    return s;
  }

  #freshUser(): string {
    return `f${++this.#fresh}`;
  }

  /** A valid request the lane needs (not counted as fuzz); it must succeed. */
  async #setup(name: HiarOperationName, body: Json): Promise<Answer> {
    this.stats.setup++;
    const answer = await this.#exchange(HIAR_OPERATIONS[name].path, name, {
      bytes: new TextEncoder().encode(JSON.stringify(body)),
      contentType: "application/json",
    });
    if (answer.status !== 200) {
      throw new FuzzFailure(
        `setup ${name} ${JSON.stringify(body)} answered ${answer.status} ${answer.reason}`,
      );
    }
    return answer;
  }

  // --- one request, checked --------------------------------------------------------------------

  async #exchange(path: string, name: HiarOperationName, sent: Sent): Promise<Answer> {
    const operation = HIAR_OPERATIONS[name];
    const expectation = expect(name, sent);
    const url = new URL(path, this.server.baseUrl);
    const headers: Record<string, string> = {
      ...signRequestHeaders({ appId: this.app.id, secret: this.app.secret, method: "POST", url }),
    };
    if (sent.contentType !== null) headers["content-type"] = sent.contentType;
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: new Uint8Array(sent.bytes),
    });
    const text = await response.text();
    const status = response.status;
    const context = () =>
      `${path} ← ${describeSent(sent)}\n→ HTTP ${status} ${text.slice(0, 600)}` +
      `\nexpected: ${expectation.describe}`;
    const fail = (why: string): never => {
      throw new FuzzFailure(`${why}\n${context()}`);
    };

    if (status >= 500) fail("a 5xx answer");
    if (!response.headers.get("trace")) fail("no trace header");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      fail("the answer is not JSON");
    }

    let answer: Answer;
    if (status === 200) {
      const parsed = operation.response.safeParse(json);
      if (!parsed.success)
        fail(`not the documented success envelope: ${describeZodError(parsed.error).message}`);
      answer = {
        status,
        reason: "SUCCESS",
        data: (json as { data: unknown }).data,
        reachedDomain: expectation.parsed !== undefined,
      };
    } else {
      const parsed = ErrorEnvelope.safeParse(json);
      if (!parsed.success)
        fail(`not the documented error envelope: ${describeZodError(parsed.error).message}`);
      const envelope = parsed.data as ErrorEnvelope;
      if (
        Object.keys(json as object)
          .sort()
          .join() !== "code,data,message,reason"
      ) {
        fail("the error envelope has other fields than code, reason, message, data");
      }
      if (ERROR_CATALOGUE[envelope.reason].httpStatus !== status) {
        fail(`HTTP ${status} is not the catalogue's status for ${envelope.reason}`);
      }
      const documented = [...COMMON_ERRORS, ...operation.errors];
      if (!documented.includes(envelope.reason))
        fail(`${envelope.reason} is not documented for ${path}`);
      answer = {
        status,
        reason: envelope.reason,
        data: null,
        reachedDomain: expectation.parsed !== undefined,
      };
    }

    // The oracle: what this body must get, from the transport rules and the contract.
    const verdict = expectation.check(
      answer.status,
      answer.reason,
      (json as { message?: string }).message,
    );
    if (verdict !== null) fail(verdict);

    // Rows: a refused request writes nothing; a 200 writes exactly what it explains.
    let delta = NO_ROWS;
    let apply = () => {};
    if (status === 200) {
      if (expectation.parsed === undefined) fail("a 200 for a body the contract refuses");
      try {
        ({ delta, apply } = this.#explain(name, expectation.parsed, answer.data));
      } catch (error) {
        fail(`a 200 the model cannot explain: ${(error as Error).message}`);
      }
    }
    if (this.tables && this.#counts) {
      const after = await this.tables.counts(this.app.id);
      const wanted = addCounts(this.#counts, delta);
      if (JSON.stringify(after) !== JSON.stringify(wanted)) {
        fail(
          `rows changed unexpectedly: before ${JSON.stringify(this.#counts)}, expected ${JSON.stringify(wanted)}, ` +
            `found ${JSON.stringify(after)}`,
        );
      }
      this.#counts = after;
    }
    apply();
    this.#explained = addCounts(this.#explained, delta);
    return answer;
  }

  /** The rows a 200 of `name` writes for the parsed body, and the model update it implies. */
  #explain(
    name: HiarOperationName,
    parsed: unknown,
    data: unknown,
  ): { delta: TableCounts; apply: () => void } {
    const sessionOf = (req: { collaborationID: string; sessionID: string }) => {
      const s = this.sessions.get(req.sessionID);
      if (!s || s.collaborationID !== req.collaborationID) {
        throw new Error(`session ${req.sessionID} of ${req.collaborationID} is not this app's`);
      }
      if (s.state === "SESSION_END") throw new Error(`session ${req.sessionID} has ended`);
      return s;
    };
    const events = (n: number): TableCounts => ({ ...NO_ROWS, session_event: n });

    switch (name) {
      // Reads, and a token minted without a row: nothing written.
      case "queryCollaborationsByUser":
      case "fetchSessionEvents":
      case "fetchUserCalls":
      case "issueUserToken":
        return { delta: NO_ROWS, apply: () => {} };
      case "createCollaboration": {
        const req = parsed as CreateCollaborationRequest;
        const { collaborationID, sessionID } = data as {
          collaborationID: string;
          sessionID: string;
        };
        const members = [req.userID, ...req.members.map((m) => m.userID)];
        const unique = new Set(members);
        return {
          delta: {
            collaboration: 1,
            session: 1,
            session_member: unique.size,
            session_event: 1 + unique.size,
          },
          apply: () => {
            this.sessions.set(sessionID, {
              collaborationID,
              sessionID,
              creator: req.userID,
              state: "SESSION_SCHEDULE",
              members: new Map([...unique].map((u) => [u, "MEMBER_UNSPECIFIED"])),
              timed: req.ruleSettings.callingTimeout !== 0,
              busyDetection: req.ruleSettings.busyDetection === true,
            });
          },
        };
      }
      case "inviteSession": {
        const req = parsed as InviteSessionRequest;
        const s = sessionOf(req);
        const inviter = s.members.get(req.userID);
        if (inviter === undefined || inviter === "MEMBER_KICKOUT") {
          throw new Error(`inviter ${req.userID} may not invite (${inviter ?? "not a member"})`);
        }
        let added = 0;
        let rung = 0;
        for (const m of req.members) {
          const before = s.members.get(m.userID);
          if (before === undefined) added++;
          else if (!isLiveMemberState(before)) rung++;
        }
        // Busy detection writes the same rows (the member, one event), in MEMBER_BUSY.
        const talkingElsewhere = (userID: string) =>
          s.busyDetection &&
          [...this.sessions.values()].some(
            (o) =>
              o !== s && o.state !== "SESSION_END" && o.members.get(userID) === "MEMBER_TALKING",
          );
        return {
          delta: { ...NO_ROWS, session_member: added, session_event: added + rung },
          apply: () => {
            for (const m of req.members) {
              const before = s.members.get(m.userID);
              if (before === undefined || !isLiveMemberState(before))
                s.members.set(
                  m.userID,
                  talkingElsewhere(m.userID) ? "MEMBER_BUSY" : "MEMBER_CALLING",
                );
            }
          },
        };
      }
      case "kickoutMember": {
        const req = parsed as KickoutRequest;
        const s = sessionOf(req);
        const from = s.members.get(req.memberID);
        if (from === undefined || !canTransition(from, "MEMBER_KICKOUT")) {
          throw new Error(`${req.memberID} cannot be kicked out from ${from ?? "not a member"}`);
        }
        return { delta: events(1), apply: () => s.members.set(req.memberID, "MEMBER_KICKOUT") };
      }
      case "cancelInvite": {
        const req = parsed as CancelInviteRequest;
        const s = sessionOf(req);
        const canceller = s.members.get(req.userID);
        if (canceller === undefined || canceller === "MEMBER_KICKOUT") {
          throw new Error(`${req.userID} may not cancel (${canceller ?? "not a member"})`);
        }
        for (const userID of req.members) {
          const from = s.members.get(userID);
          if (from !== "MEMBER_CALLING") {
            throw new Error(`${userID} cannot be cancelled from ${from ?? "not a member"}`);
          }
        }
        return {
          delta: events(req.members.length),
          apply: () => {
            for (const userID of req.members) s.members.set(userID, "MEMBER_LEFT");
          },
        };
      }
      case "endSession": {
        const s = sessionOf(parsed as MemberActionRequest);
        const live = [...s.members].filter(([, state]) => isLiveMemberState(state));
        return {
          delta: events(live.length + 1),
          apply: () => {
            for (const [userID] of live) s.members.set(userID, "MEMBER_LEFT");
            s.state = "SESSION_END";
          },
        };
      }
      default: {
        const to = MEMBER_ACTION_TARGET[name];
        if (to === undefined) throw new Error(`no model for ${name}`);
        const req = parsed as MemberActionRequest;
        const s = sessionOf(req);
        const from = s.members.get(req.userID);
        if (from === undefined || !canTransition(from, to)) {
          throw new Error(`${req.userID} cannot go ${from ?? "not a member"} → ${to}`);
        }
        const starts = to === "MEMBER_TALKING" && s.state === "SESSION_SCHEDULE";
        return {
          delta: events(starts ? 2 : 1),
          apply: () => {
            s.members.set(req.userID, to);
            if (starts) s.state = "SESSION_START";
          },
        };
      }
    }
  }
}

function sortKeys(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const ids = (s: SessionModel) => ({ collaborationID: s.collaborationID, sessionID: s.sessionID });

function describeSent(sent: Sent): string {
  const text = Buffer.from(sent.bytes).toString("utf8");
  const shown = text.length > 400 ? `${text.slice(0, 400)}… (${sent.bytes.length} bytes)` : text;
  return `Content-Type ${JSON.stringify(sent.contentType)}, body ${JSON.stringify(shown)}`;
}

// --- the oracle ----------------------------------------------------------------------------------

interface Expectation {
  readonly describe: string;
  /** The contract's output when the body passes it (the domain then decides). */
  readonly parsed?: unknown;
  /** null when the answer fits, else why not. */
  check(status: number, reason: string, message: string | undefined): string | null;
}

const JSON_MEDIA_TYPE = /^application\/json$/i;

/** What the server must answer for `sent` to operation `name`, before any domain rule. */
function expect(name: HiarOperationName, sent: Sent): Expectation {
  const refusal = (
    reason: ErrorReason,
    message?: string,
    alsoOk: ErrorReason[] = [],
  ): Expectation => ({
    describe: `${reason}${message === undefined ? "" : ` "${message}"`}${alsoOk.length ? ` (or ${alsoOk.join(", ")})` : ""}`,
    check(status, got, gotMessage) {
      if (alsoOk.includes(got as ErrorReason) || (sent.lenient && got === "INVALID_PARAM"))
        return null;
      if (got !== reason) return `expected ${reason}, got ${got}`;
      if (status !== ERROR_CATALOGUE[reason].httpStatus) return `wrong status for ${reason}`;
      if (message !== undefined && gotMessage !== message)
        return "the message is not the contract's";
      return null;
    },
  });

  const mediaType = sent.contentType?.split(";", 1)[0]?.trim() ?? "";
  const tooLarge = sent.bytes.length > LIMITS.maxBodyBytes;
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    return refusal("UNSUPPORTED_MEDIA_TYPE", undefined, tooLarge ? ["PAYLOAD_TOO_LARGE"] : []);
  }
  if (tooLarge) return refusal("PAYLOAD_TOO_LARGE");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(sent.bytes);
  } catch {
    return refusal("INVALID_PARAM");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refusal("INVALID_PARAM");
  }
  const bulk = jsonBulk(text);
  const costly = bulk.depth > COSTLY_DEPTH || bulk.values > COSTLY_VALUES;
  const costRefusals: ErrorReason[] = costly ? ["INVALID_PARAM", "PAYLOAD_TOO_LARGE"] : [];

  const result = HIAR_OPERATIONS[name].request.safeParse(json);
  if (!result.success) {
    // Exactly the contract's refusal (the server validates with this very schema).
    return refusal(
      "INVALID_PARAM",
      costly ? undefined : describeZodError(result.error).message,
      costRefusals,
    );
  }
  // The domain's own checks (e.g. /create's time range) are INVALID_PARAM too.
  const domainReasons: string[] = [
    "INVALID_PARAM",
    ...HIAR_OPERATIONS[name].errors,
    ...costRefusals,
  ];
  return {
    describe: `200 or ${domainReasons.join(", ")} (the contract accepts it)`,
    parsed: result.data,
    check(status, reason) {
      if (status === 200) return null;
      return domainReasons.includes(reason) ? null : `${reason} for a body the contract accepts`;
    },
  };
}
