// Preloaded into the Next.js server (NODE_OPTIONS=--require) by `pnpm bench --cpu-prof=<dir>`:
// --cpu-prof itself is not allowed in NODE_OPTIONS, and the server is started by `pnpm start`.
// Profiles from start to exit, then writes <dir>/next-<pid>.cpuprofile.
const { Session } = require("node:inspector");
const { writeFileSync } = require("node:fs");
const { join } = require("node:path");

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  // A session in the same thread answers synchronously, so this works inside 'exit'.
  process.once("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (!error)
        writeFileSync(join(dir, `next-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
