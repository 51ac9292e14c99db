import type {
  UserChannelEvent,
  UserRingEndedEvent,
  UserRingEvent,
} from "@collab/contracts/user-channel";

// What a device shows from the channel's events: the rings in progress, one per session. Pure,
// so the browser phone and a Node service render the same thing from the same events.

const ANSWERS = new Set<UserRingEndedEvent["reason"]>(["accepted", "declined", "busy", "offline"]);

/** How a ring ended, from this device's point of view. */
export interface RingEnd {
  readonly event: UserRingEndedEvent;
  /** The ring that ended (undefined if this device was not showing it). */
  readonly ring: UserRingEvent | undefined;
  /**
   * Answered (accepted, declined, busy, offline) by another of the user's devices, or by the
   * app's server: show "answered on another device" and stop ringing.
   */
  readonly elsewhere: boolean;
}

export class RingBook {
  readonly #rings = new Map<string, UserRingEvent>();
  /** Sessions this device is answering (its own answer's event is not "elsewhere"). */
  readonly #answering = new Set<string>();

  constructor(readonly deviceID: string | null) {}

  /** The rings in progress, oldest first. */
  rings(): UserRingEvent[] {
    return [...this.#rings.values()].sort((a, b) => a.invitedAt - b.invitedAt);
  }

  /** Marks a session as answered here (before the answer is sent). */
  answering(sessionID: string): void {
    this.#answering.add(sessionID);
  }

  /** Forgets an answer that failed. */
  answerFailed(sessionID: string): void {
    this.#answering.delete(sessionID);
  }

  /**
   * Applies an event: what started ringing (`ring`, only a ring not already shown) or stopped
   * (`end`), if anything.
   */
  apply(event: UserChannelEvent): { ring?: UserRingEvent; end?: RingEnd } {
    switch (event.kind) {
      case "ring": {
        const shown = this.#rings.get(event.sessionID);
        this.#rings.set(event.sessionID, event);
        if (shown !== undefined && shown.invitedAt === event.invitedAt) return {};
        this.#answering.delete(event.sessionID);
        return { ring: event };
      }
      case "ring_ended": {
        const ring = this.#rings.get(event.sessionID);
        this.#rings.delete(event.sessionID);
        const mine =
          this.#answering.delete(event.sessionID) ||
          (this.deviceID !== null && event.deviceID === this.deviceID);
        return { end: { event, ring, elsewhere: ANSWERS.has(event.reason) && !mine } };
      }
      case "session_state":
        if (event.sessionState === "SESSION_END") this.#rings.delete(event.sessionID);
        return {};
      case "resync":
        this.#rings.clear();
        return {};
      default:
        return {};
    }
  }
}
