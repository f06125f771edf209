// Local mirrors of the Rust command results that have no generated binding yet. The Rust side
// will generate AppInfo.ts and ConnectionInfo.ts into ../bindings with the same field names;
// when they appear, re-export them from here instead.
import type { ErrorPayload } from '../bindings/ErrorPayload';
import type { ExportedFile } from '../bindings/ExportedFile';
import type { MapFormat } from '../bindings/MapFormat';
import type { OrgState } from '../bindings/OrgState';
import type { Profile } from '../bindings/Profile';
import type { ReportFormat } from '../bindings/ReportFormat';
import type { TakeDownBackend } from '../removal/backend';
import type { VerifyBackend } from '../verify/backend';
import type { WizardBackend } from '../wizard/backend';

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
  /** The Exchange build as Exchange prints it, e.g. "Version 15.0 (Build 1497.2)". */
  exchangeVersion?: string;
  /** Relaxed certificate checks and names that are not a server FQDN, in words. */
  connectionNotes?: string[];
}

/** Everything the UI asks of the Rust side. Every method rejects with an ErrorPayload. */
export interface Backend extends MapReportBackend, WizardBackend, VerifyBackend, TakeDownBackend {
  appInfo(): Promise<AppInfo>;
  /** The first page is painted: the window, created hidden, may be shown. */
  windowReady(): Promise<void>;
  connection(): Promise<ConnectionInfo>;
  orgStatus(): Promise<OrgState>;
  /** Plain text for a support ticket: version, OS, profile (no secrets), last log lines. */
  diagnostics(): Promise<string>;
}

export type { ErrorPayload, OrgState };

// ---- Map, Report and Connection pages ----


export type KeychainBackend = 'secretService' | 'kernelKeyring' | 'windowsCredentialManager' | 'macosKeychain';
export type Purpose = 'exchange' | 'dns';

/** Result of `keychain_status` (fedshare-credentials KeychainStatus). */
export interface KeychainStatus {
  backend: KeychainBackend | null;
  available: boolean;
  locked: boolean;
  reason?: string;
}

export type CredentialStore = { kind: 'keychain'; backend: KeychainBackend; persistent: boolean } | { kind: 'session' };

/** Result of `set_credential` / `test_credential` (never holds the secret). */
export interface CredentialReport {
  profile: string;
  purpose: Purpose;
  store: CredentialStore;
  userName: string;
  keychainRoundTrip?: boolean;
}

export interface ForgetReport {
  profile: string;
  purpose: Purpose;
  store: CredentialStore;
  removed: boolean;
}

export interface CredentialRequest {
  profile: string;
  purpose: Purpose;
  user: string;
  /** Goes straight to the command; the UI never stores it. */
  secret: string;
  sessionOnly: boolean;
}

/** The Map, Report and Connection pages' part of the backend. */
export interface MapReportBackend {
  mapSvg(): Promise<string>;
  /** Exports resolve to null when the person cancelled the Save as dialog. */
  exportMap(format: MapFormat): Promise<ExportedFile | null>;
  exportReport(format: ReportFormat): Promise<ExportedFile | null>;
  partnerDomains(): Promise<string[]>;
  partnerKit(domain: string, format: ReportFormat): Promise<ExportedFile | null>;
  /** Opens a file exported in this session with the system's default application. */
  openExport(path: string): Promise<void>;
  /** Shows a file exported in this session in the system's file manager. */
  revealExport(path: string): Promise<void>;
  listProfiles(): Promise<Profile[]>;
  /** `previous`: the profile's name before this edit (a rename). */
  saveProfile(profile: Profile, previous?: string): Promise<Profile[]>;
  removeProfile(name: string): Promise<Profile[]>;
  testProfile(profile: Profile): Promise<ConnectionInfo>;
  keychainStatus(): Promise<KeychainStatus>;
  setCredential(request: CredentialRequest): Promise<CredentialReport>;
  testCredential(profile: string, purpose: Purpose, sessionOnly: boolean): Promise<CredentialReport>;
  forgetCredential(profile: string, purpose: Purpose, sessionOnly: boolean): Promise<ForgetReport>;
}

export type { ExportedFile, MapFormat, Profile, ReportFormat };
