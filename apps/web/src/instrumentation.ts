// Next.js calls register() once when a server process starts (next dev / next start). It starts
// the background worker (calling timeouts, webhook deliveries) inside this process, so a single
// `pnpm dev` on the embedded database needs nothing else. Node runtime only; WORKER_IN_SERVER=0
// turns it off (e.g. when `pnpm worker` runs as its own deployment).

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  if (process.env.WORKER_IN_SERVER === "0" || process.env.WORKER_IN_SERVER === "false") return;
  const { startServerWorker } = await import("./server/worker");
  await startServerWorker();
}
