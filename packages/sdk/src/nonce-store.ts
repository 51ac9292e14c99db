// Where a webhook receiver remembers the nonces it has accepted, until their date leaves the
// window (after that the date check alone refuses a replay). The in-memory store suits one
// process; several instances behind a load balancer need a shared store (e.g. Redis SET NX PX,
// or a table with a unique key), given to verifyWebhook as `nonceStore`.

export interface NonceStore {
  /**
   * Records `key` until `expiresAtMs`; true if it was new, false if already recorded and not yet
   * expired. Must be atomic across everything that shares the store.
   */
  remember(key: string, expiresAtMs: number): boolean | Promise<boolean>;
}

export class MemoryNonceStore implements NonceStore {
  readonly #expiries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  /**
   * @param maxEntries bound on memory; when full after dropping expired entries, the oldest go
   *   first (only validly signed requests get here, so only the sender could fill it).
   */
  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#expiries.size;
  }

  remember(key: string, expiresAtMs: number): boolean {
    const now = this.#now();
    const known = this.#expiries.get(key);
    if (known !== undefined && known >= now) return false;
    if (this.#expiries.size >= this.#maxEntries) this.#evict(now);
    this.#expiries.delete(key); // re-insert: Map order is insertion order, oldest first
    this.#expiries.set(key, expiresAtMs);
    return true;
  }

  #evict(now: number): void {
    for (const [key, expiry] of this.#expiries) {
      if (expiry < now) this.#expiries.delete(key);
    }
    for (const key of this.#expiries.keys()) {
      if (this.#expiries.size < this.#maxEntries) break;
      this.#expiries.delete(key);
    }
  }
}
