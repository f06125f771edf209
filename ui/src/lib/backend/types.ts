// Local mirrors of the Rust command results that have no generated binding yet. The Rust side
// will generate AppInfo.ts and ConnectionInfo.ts into ../bindings with the same field names;
// when they appear, re-export them from here instead.
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { OrgState } from '../bindings/OrgState';

/** Result of the `app_info` command. */
export interface AppInfo {
  version: string;
  os: string;
  dataDir: string;
  logDir: string;
}

/** Result of the `connection_status` command. */
export interface ConnectionInfo {
  /** Name of the saved connection profile in use. */
  profile: string;
  organization: string;
  /** True when connected to the embedded lab world rather than a real organization. */
  isLab: boolean;
  /** What kind of shell the app talks to (for example the lab host or a remote EMS session). */
  host: string;
  hostVersion: string;
}

/** Everything the UI asks of the Rust side. Every method rejects with an ErrorPayload. */
export interface Backend {
  appInfo(): Promise<AppInfo>;
  connection(): Promise<ConnectionInfo>;
  orgStatus(): Promise<OrgState>;
  /** Plain text for a support ticket: version, OS, profile (no secrets), last log lines. */
  diagnostics(): Promise<string>;
}

export type { ErrorPayload, OrgState };
