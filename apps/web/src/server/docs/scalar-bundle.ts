import { readFile } from "node:fs/promises";
import { join } from "node:path";

// The reference page's renderer, Scalar's standalone browser bundle, served from this app: the
// page must work with no CDN (self-hosted, offline, strict networks). The file is not in the
// package's `exports`, so it is read from the app's node_modules, where pnpm links the app's own
// dependencies; `next dev` and `next start` both run in the app's folder.

const RELATIVE = join("node_modules", "@scalar", "api-reference", "dist", "browser");

export interface ScalarBundle {
  readonly source: Buffer;
  readonly version: string;
}

let bundle: Promise<ScalarBundle> | undefined;

async function load(): Promise<ScalarBundle> {
  const roots = [process.cwd(), join(process.cwd(), "apps", "web")];
  for (const root of roots) {
    const dir = join(root, RELATIVE);
    try {
      const [source, manifest] = await Promise.all([
        readFile(join(dir, "standalone.js")),
        readFile(join(dir, "..", "..", "package.json"), "utf8"),
      ]);
      return { source, version: (JSON.parse(manifest) as { version: string }).version };
    } catch {
      // try the next root
    }
  }
  throw new Error(`@scalar/api-reference's standalone bundle was not found under ${roots}`);
}

/** The bundle, read once per process. */
export function scalarBundle(): Promise<ScalarBundle> {
  bundle ??= load().catch((error: unknown) => {
    bundle = undefined; // retry on the next request
    throw error;
  });
  return bundle;
}
