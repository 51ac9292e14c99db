import type { DomainSettings } from "@collab/domain";
import type { Settings } from "@collab/settings";

/** What the use cases take from the deployment's settings (their context's `settings`). */
export function domainSettings(settings: Settings): DomainSettings {
  return {
    callingTimeoutSeconds: settings.calls.callingTimeoutSeconds,
    busyDetection: settings.calls.busyDetection,
    webhooksAllowPrivateNetworks: settings.worker.webhooks.allowPrivateNetworks,
    secretRotationOverlapMs: settings.appSecrets.rotationOverlapMs,
  };
}
