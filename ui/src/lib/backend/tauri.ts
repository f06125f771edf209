// The only module that may import @tauri-apps/* (enforced by eslint no-restricted-imports).
import { invoke } from '@tauri-apps/api/core';

import { toErrorPayload } from './errors';
import type { AppInfo, Backend, ConnectionInfo, OrgState } from './types';

/** Calls one Tauri command; rejections always come out as ErrorPayload. */
async function call<T>(command: string): Promise<T> {
  try {
    return await invoke<T>(command);
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
  };
}
