import { describeError, type WorkerLog } from "./log";

// Every background loop of the worker runs through here, so that none can die or pile up: a pass
// that throws (the database is down or restarting, a statement failed) is logged in one line
// without a stack and retried after a capped, jittered backoff; the loop's promise never rejects,
// so no rejection can go unhandled; stop() waits for the pass in progress to finish.

export interface LoopReport {
  /** A pass completed. */
  ok(name: string): void;
  /** A pass failed; the loop backs off and retries. */
  failed(name: string, error: string): void;
}

export interface Loop {
  /** Ends the current sleep early (e.g. a delivery slot freed). */
  wake(): void;
  /** No new pass starts; resolves once the pass in progress (if any) has finished. */
  stop(): Promise<void>;
}

export interface LoopOptions {
  readonly name: string;
  /** One pass; resolves to how long to sleep before the next one (0: at once). */
  readonly pass: () => Promise<number>;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly log: WorkerLog;
  readonly report?: LoopReport;
  /** Repeat a "still failing" log line at most this often during an outage (default 30 s). */
  readonly repeatLogMs?: number;
  /**
   * Passes start at least this far apart (default 0), whatever a pass returns and however often
   * wake() is called: a loop woken by every commit would otherwise run one pass per commit, each
   * paying its statement's fixed cost, where one pass per gap serves them all. A wake during the
   * gap is served by the pass that ends it.
   */
  readonly minGapMs?: number;
}

/** Delay after the `failures`-th consecutive failure: base × 2^(n−1), capped, ±20 % jitter. */
export function loopRetryDelayMs(
  failures: number,
  settings: { readonly retryBaseMs: number; readonly retryMaxMs: number },
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const delay = Math.min(settings.retryBaseMs * 2 ** exponent, settings.retryMaxMs);
  return Math.max(1, Math.round(delay * (0.8 + 0.4 * random())));
}

export function startLoop(options: LoopOptions): Loop {
  const { name, log } = options;
  const repeatLogMs = options.repeatLogMs ?? 30_000;
  const minGapMs = options.minGapMs ?? 0;
  let stopped = false;
  /** Ends the current sleep: set while one runs. */
  let endSleep: (() => void) | undefined;
  /** The current sleep is the gap: wake() cannot shorten it (the next pass serves the wake). */
  let inGap = false;
  /** wake() came while no sleep ran (during a pass): the next sleep ends at once. */
  let woken = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped || ms <= 0) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        endSleep = undefined;
        resolve();
      }
      endSleep = done;
    });

  // Reporting must never end the loop.
  const safely = (fn: () => void) => {
    try {
      fn();
    } catch {
      // ignored
    }
  };

  const running = (async () => {
    let failures = 0;
    let lastLogged = 0;
    let lastError = "";
    while (!stopped) {
      const startedAt = performance.now();
      let delay: number;
      try {
        delay = await options.pass();
        if (failures > 0) {
          const after = failures;
          safely(() => log.info({ loop: name, failures: after }, `${name}: recovered`));
        }
        failures = 0;
        safely(() => options.report?.ok(name));
      } catch (error) {
        failures += 1;
        delay = loopRetryDelayMs(failures, options);
        const message = describeError(error);
        const now = Date.now();
        // One line per outage, repeated while it lasts (or when the cause changes).
        if (failures === 1 || message !== lastError || now - lastLogged >= repeatLogMs) {
          const fields = { loop: name, err: message, failures, retryInMs: delay };
          safely(() => log.warn(fields, `${name} failed; retrying`));
          lastLogged = now;
        }
        lastError = message;
        safely(() => options.report?.failed(name, message));
      }
      if (woken) woken = false;
      else await sleep(delay);
      inGap = true;
      // Timers count from the event loop's cached clock and may end up to a millisecond early.
      for (let left = minGapMs; !stopped && left > 0; ) {
        left = minGapMs - (performance.now() - startedAt);
        if (left > 0) await sleep(Math.ceil(left));
      }
      inGap = false;
    }
  })();

  return {
    wake() {
      if (inGap) return;
      if (endSleep === undefined) woken = true;
      else endSleep();
    },
    async stop() {
      stopped = true;
      endSleep?.();
      await running;
    },
  };
}
