import { LIMITS } from "@collab/contracts";
import type { InviteTarget } from "../database/fixtures";

/** One request's invite: where, and which users (none of them in that session yet). */
export interface InviteAssignment {
  readonly target: InviteTarget;
  readonly userIds: readonly string[];
}

interface Slot {
  readonly target: InviteTarget;
  /** Prefix of this session's user ids, unique in the pool (users are not shared by sessions). */
  readonly prefix: string;
  used: number;
}

/**
 * Hands out sessions round-robin, each request to the next session, so the 32 requests in flight
 * land on 32 different session rows (no queueing on one row lock). A session takes invites until
 * its live members would pass the limit (the inviter is live: 499 invitees), then leaves the
 * rotation. User ids are unique (a prefix per session, numbered within it), so every invitee is
 * new to its session, and, as in real data, a user id names few sessions.
 */
export class TargetPool {
  readonly requestsPerSession: number;
  private readonly active: Slot[] = [];
  private cursor = 0;
  private handedOut = 0;
  private added = 0;

  constructor(readonly invitees: number) {
    this.requestsPerSession = Math.floor((LIMITS.maxSessionMembers - 1) / invitees);
    if (this.requestsPerSession < 1) throw new RangeError(`${invitees} invitees do not fit`);
  }

  add(targets: readonly InviteTarget[]): void {
    for (const target of targets) {
      this.active.push({ target, prefix: `u${this.added++}-`, used: 0 });
    }
  }

  /** Requests the sessions still in rotation can take. */
  get remaining(): number {
    let total = 0;
    for (const slot of this.active) total += this.requestsPerSession - slot.used;
    return total;
  }

  get sessionsInRotation(): number {
    return this.active.length;
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
    if (slot.used === this.requestsPerSession) {
      // Swap-remove: the last slot takes this place and is served next.
      this.active[this.cursor] = this.active[this.active.length - 1] as Slot;
      this.active.pop();
    } else {
      this.cursor += 1;
    }
    return { target: slot.target, userIds };
  }
}
