// The only module that may import @tauri-apps/* (enforced by eslint no-restricted-imports).
import { invoke } from '@tauri-apps/api/core';

import { toErrorPayload } from './errors';
import type {
  AppInfo,
  Backend,
  ConnectionInfo,
  CredentialReport,
  ExportedFile,
  ForgetReport,
  KeychainStatus,
  OrgState,
  Profile,
} from './types';

/** Calls one Tauri command; rejections always come out as ErrorPayload. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toErrorPayload(reason);
  }
}

export function createTauriBackend(): Backend {
  return {
    appInfo: () => call<AppInfo>('app_info'),
    connection: () => call<ConnectionInfo>('connection_status'),
    orgStatus: () => call<OrgState>('org_status'),
    diagnostics: () => call<string>('copy_diagnostics'),
    mapSvg: () => call<string>('map_svg'),
    exportMap: (format) => call<ExportedFile>('export_map', { format }),
    exportReport: (format) => call<ExportedFile>('export_report', { format }),
    partnerDomains: () => call<string[]>('partner_domains'),
    partnerKit: (domain, format) => call<ExportedFile>('partner_kit', { domain, format }),
    listProfiles: () => call<Profile[]>('list_profiles'),
    saveProfile: (profile, previous) => call<Profile[]>('save_profile', { profile, previous: previous ?? null }),
    removeProfile: (name) => call<Profile[]>('remove_profile', { name }),
    testProfile: (profile) => call<ConnectionInfo>('test_profile', { profile }),
    keychainStatus: () => call<KeychainStatus>('keychain_status'),
    setCredential: (request) => call<CredentialReport>('set_credential', { ...request }),
    testCredential: (profile, purpose, sessionOnly) =>
      call<CredentialReport>('test_credential', { profile, purpose, sessionOnly }),
    forgetCredential: (profile, purpose, sessionOnly) =>
      call<ForgetReport>('forget_credential', { profile, purpose, sessionOnly }),
  };
}
