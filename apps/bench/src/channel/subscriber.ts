// One user channel subscription (user.onEvent over SSE) as a device holds it: a GET with the
// user token that stays open. Idle subscribers only drain the stream; a watched one parses the
// ring events and notes when each arrived.

export interface RingArrival {
  readonly sessionID: string;
  /** When the event was written (the invite transaction's time), unix ms. */
  readonly at: number;
  /** When this process read it, unix ms. */
  readonly receivedAt: number;
}

export interface Subscriber {
  /** Resolves once tRPC's `connected` event arrived (the subscription is live). */
  readonly connected: Promise<void>;
  readonly rings: RingArrival[];
  close(): void;
}

export function subscribe(
  baseUrl: string,
  token: string,
  options: { readonly watch: boolean },
): Subscriber {
  const controller = new AbortController();
  const rings: RingArrival[] = [];
  let markConnected: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const connected = new Promise<void>((resolve, reject) => {
    markConnected = resolve;
    fail = reject;
  });
  void (async () => {
    try {
      const response = await fetch(`${baseUrl}/api/trpc/user.onEvent?input=%7B%7D`, {
        headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      if (response.status !== 200 || response.body === null) {
        throw new Error(`user.onEvent answered ${response.status}: ${await response.text()}`);
      }
      const decoder = new TextDecoder();
      let buffer = "";
      let live = false;
      for await (const chunk of response.body) {
        const receivedAt = Date.now();
        if (live && !options.watch) continue;
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          if (block.includes("event: connected")) {
            live = true;
            markConnected();
          }
          const data = block
            .split("\n")
            .filter((line) => line.startsWith("data:"))
            .map((line) => line.slice(5).trimStart())
            .join("\n");
          if (!options.watch || data === "" || !data.includes('"kind":"ring"')) continue;
          const event = JSON.parse(data) as { kind: string; sessionID: string; at: number };
          if (event.kind === "ring")
            rings.push({ sessionID: event.sessionID, at: event.at, receivedAt });
        }
      }
    } catch (error) {
      if (!controller.signal.aborted)
        fail(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return { connected, rings, close: () => controller.abort() };
}
