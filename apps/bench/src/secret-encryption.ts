import { randomBytes } from "node:crypto";
import { createSecretBox, type SecretBox } from "../../../packages/db/src/secret-box";

// `--encrypt-secrets`: the servers run with APP_SECRET_ENCRYPTION_KEY set (one random key per
// run) and the bench app's secret is stored encrypted under it, so the REST path pays for the
// decryption exactly as a deployment with encryption at rest does (on a secret-cache miss).

let key: string | null = null;

/** Turns encryption at rest on for this run (before any server or app is created). */
export function encryptSecretsThisRun(): void {
  key ??= randomBytes(32).toString("base64");
}

/** The servers' environment for it: the key, or nothing. */
export function secretEncryptionEnv(): NodeJS.ProcessEnv {
  return key === null ? {} : { APP_SECRET_ENCRYPTION_KEY: key };
}

/** How the bench app's secret is stored: under the run's key, or as issued. */
export function benchSecretBox(): SecretBox {
  return createSecretBox({ current: key });
}
