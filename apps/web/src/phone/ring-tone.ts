// The ring tone: two Web Audio oscillators (a 440 + 480 Hz dual tone, two seconds on, four off,
// like a North American ring), so the phone needs no audio file.

export interface RingTone {
  start(): void;
  stop(): void;
  /** Whether the tone is on (it may still be inaudible while the browser blocks audio). */
  playing(): boolean;
  /** False while the browser blocks audio until the user interacts with the page. */
  allowed(): boolean;
  /** Call from a user gesture: lets the browser play. */
  unlock(): Promise<void>;
  close(): void;
}

const ON_SECONDS = 2;
const PERIOD_SECONDS = 6;

export function createRingTone(): RingTone {
  const AudioContextImpl =
    typeof window === "undefined"
      ? undefined
      : (window.AudioContext ??
        (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext);
  let context: AudioContext | null = null;
  let nodes: { oscillators: OscillatorNode[]; gain: GainNode } | null = null;
  let cadence: ReturnType<typeof setInterval> | null = null;

  const audio = () => {
    if (context === null && AudioContextImpl !== undefined) context = new AudioContextImpl();
    return context;
  };

  const burst = () => {
    const ctx = audio();
    if (ctx === null || nodes === null) return;
    const now = ctx.currentTime;
    nodes.gain.gain.cancelScheduledValues(now);
    nodes.gain.gain.setValueAtTime(0, now);
    nodes.gain.gain.linearRampToValueAtTime(0.15, now + 0.05);
    nodes.gain.gain.setValueAtTime(0.15, now + ON_SECONDS - 0.05);
    nodes.gain.gain.linearRampToValueAtTime(0, now + ON_SECONDS);
  };

  return {
    start() {
      if (nodes !== null) return;
      const ctx = audio();
      if (ctx === null) return;
      const gain = ctx.createGain();
      gain.gain.value = 0;
      gain.connect(ctx.destination);
      const oscillators = [440, 480].map((frequency) => {
        const oscillator = ctx.createOscillator();
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        oscillator.start();
        return oscillator;
      });
      nodes = { oscillators, gain };
      burst();
      cadence = setInterval(burst, PERIOD_SECONDS * 1000);
    },
    stop() {
      if (cadence !== null) clearInterval(cadence);
      cadence = null;
      if (nodes === null) return;
      for (const oscillator of nodes.oscillators) {
        oscillator.stop();
        oscillator.disconnect();
      }
      nodes.gain.disconnect();
      nodes = null;
    },
    playing: () => nodes !== null,
    allowed: () => context === null || context.state !== "suspended",
    async unlock() {
      await audio()?.resume();
    },
    close() {
      this.stop();
      void context?.close();
      context = null;
    },
  };
}
