// @collab/settings: every deployment setting in one zod schema, parsed from the environment once
// at start and passed in. The only package that reads process.env (Biome's noProcessEnv).

export {
  type CallSettings,
  type ConsoleSettings,
  currentSettings,
  type DatabaseSettings,
  DEFAULT_SETTINGS,
  type Env,
  type LoggingSettings,
  loadSettings,
  type MetricsSettings,
  type ProxySettings,
  type RateLimit,
  type RestSettings,
  type ServerSettings,
  type Settings,
  SettingsError,
  settleNodeEnv,
  type WebhookDeliverySettings,
  type WorkerDeploymentSettings,
} from "./load";
export {
  DEFAULT_CALLING_TIMEOUT_SECONDS,
  ENV_SCHEMA,
  GROUPS,
  type Group,
  LOG_LEVELS,
  type LogLevel,
  MAX_TRUSTED_HOPS,
  MIN_SESSION_KEY_LENGTH,
  type TrustProxy,
  VARIABLE_NAMES,
  type VariableMeta,
  type VariableName,
  variableMeta,
} from "./variables";
