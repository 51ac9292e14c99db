import { LIMITS } from "@collab/contracts";
import type { InviteTarget } from "../database/fixtures";

/** One request's invite: where, and which users (none of them in that session yet). */
export interface InviteAssignment {
  readonly target: InviteTarget;
  readonly userIds: readonly string[];
}

/**
 * How many members (the inviter included) a session grows to before it leaves the rotation: a
 * session of a few dozen people, as collaboration sessions are. A case with more invitees than fit
 * sends one request per session.
 */
export const SESSION_MEMBERS = 51;

interface Slot {
  readonly target: InviteTarget;
  /** Prefix of this session's user ids, unique in the pool (users are not shared by sessions). */
  readonly prefix: string;
  /** Requests this session takes before it leaves the rotation. */
  readonly quota: number;
  used: number;
}

/**
 * Hands out sessions round-robin over a fixed-width rotation, each request to the next session,
 * so the requests in flight land on different session rows (no queueing on one row lock). A
 * session takes `requestsPerSession` invites, then the next fresh session takes its place.
 *
 * The workload is stationary, so minute 10 of a long run invites into the same mix of session
 * sizes as its first 20 s: the first sessions of the rotation leave early, in steps (slot i after
 * (i + 1)/width of the quota), which spreads the sessions' sizes evenly between empty and full from
 * the first round on. (Before, every provisioned session stayed in one rotation: they all grew
 * together throughout a run, and a 10-minute run ended inviting into sessions of ~170 members.)
 *
 * User ids are unique (a prefix per session, numbered within it), so every invitee is new to its
 * session, and, as in real data, a user id names few sessions.
 */
export class TargetPool {
  readonly requestsPerSession: number;
  private readonly active: Slot[] = [];
  /** Provisioned sessions that have not entered the rotation yet, oldest first. */
  private readonly waiting: InviteTarget[] = [];
  private waitingFrom = 0;
  private cursor = 0;
  private handedOut = 0;
  private added = 0;

  constructor(
    readonly invitees: number,
    /** Sessions in the rotation at once: at least the requests in flight. */
    readonly width = 64,
  ) {
    if (invitees > LIMITS.maxSessionMembers - 1) {
      throw new RangeError(`${invitees} invitees do not fit`);
    }
    this.requestsPerSession = Math.max(1, Math.floor((SESSION_MEMBERS - 1) / invitees));
  }

  add(targets: readonly InviteTarget[]): void {
    for (const target of targets) {
      if (this.active.length < this.width) this.active.push(this.#slot(target));
      else this.waiting.push(target);
    }
  }

  /**
   * Sessions to add so that the pool can take `requests` more than it can now (the first sessions'
   * quotas are shorter).
   */
  sessionsFor(requests: number): number {
    let sessions = 0;
    for (let capacity = 0; capacity < requests; sessions++) {
      capacity += this.#quota(this.added + sessions);
    }
    return sessions;
  }

  /** Requests the provisioned sessions can still take. */
  get remaining(): number {
    let total = (this.waiting.length - this.waitingFrom) * this.requestsPerSession;
    for (const slot of this.active) total += slot.quota - slot.used;
    return total;
  }

  /** Provisioned sessions not yet full (in the rotation or waiting for a place in it). */
  get sessionsLeft(): number {
    return this.active.length + this.waiting.length - this.waitingFrom;
  }

  /** How many requests took an assignment. */
  get taken(): number {
    return this.handedOut;
  }

  /** Null when every session is full (the caller sends a request that will fail visibly). */
  take(): InviteAssignment | null {
    if (this.active.length === 0) return null;
    if (this.cursor >= this.active.length) this.cursor = 0;
    const slot = this.active[this.cursor] as Slot;
    const first = slot.used * this.invitees;
    const userIds = Array.from({ length: this.invitees }, (_, i) => `${slot.prefix}${first + i}`);
    slot.used += 1;
    this.handedOut += 1;
    if (slot.used === slot.quota) {
      const next = this.waiting[this.waitingFrom];
      if (next !== undefined) {
        this.waitingFrom += 1;
        this.active[this.cursor] = this.#slot(next);
      } else {
        // Nothing left to take its place: the last slot takes it and is served next.
        this.active[this.cursor] = this.active[this.active.length - 1] as Slot;
        this.active.pop();
        return { target: slot.target, userIds };
      }
    }
    this.cursor += 1;
    return { target: slot.target, userIds };
  }

  #slot(target: InviteTarget): Slot {
    const index = this.added++;
    return { target, prefix: `u${index}-`, quota: this.#quota(index), used: 0 };
  }

  /** The first `width` sessions leave in steps, so that the rotation's sizes are spread evenly. */
  #quota(index: number): number {
    return index < this.width
      ? Math.ceil((this.requestsPerSession * (index + 1)) / this.width)
      : this.requestsPerSession;
  }
}
