import { fileURLToPath } from "node:url";

/** The monorepo root, apps/web and apps/bench, from this file's location. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const WEB_DIR = fileURLToPath(new URL("../../web/", import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
