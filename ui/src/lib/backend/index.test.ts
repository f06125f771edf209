import { afterEach, describe, expect, it, vi } from 'vitest';

import { LAB_ORG } from './fake';
import { isTauri, selectBackend } from './index';

type Internals = { invoke: (cmd: string, args: unknown, options: unknown) => Promise<unknown> };
const win = window as unknown as { __TAURI_INTERNALS__?: Internals };

afterEach(() => {
  delete win.__TAURI_INTERNALS__;
});

describe('selectBackend', () => {
  it('serves the lab fake in a plain browser', async () => {
    expect(isTauri()).toBe(false);
    const backend = await selectBackend();
    const org = await backend.orgStatus();
    expect(org.IsLab).toBe(true);
    expect(org.OrganizationName).toBe(LAB_ORG.OrganizationName);
    expect((await backend.connection()).isLab).toBe(true);
  });

  it('calls the Tauri commands by name inside the webview', async () => {
    const invoke = vi.fn((cmd: string) => Promise.resolve(`result of ${cmd}`));
    win.__TAURI_INTERNALS__ = { invoke };
    expect(isTauri()).toBe(true);
    const backend = await selectBackend();

    expect(await backend.appInfo()).toBe('result of app_info');
    expect(await backend.connection()).toBe('result of connection_status');
    expect(await backend.orgStatus()).toBe('result of org_status');
    expect(await backend.diagnostics()).toBe('result of copy_diagnostics');
    expect(invoke.mock.calls.map((call) => call[0])).toEqual([
      'app_info',
      'connection_status',
      'org_status',
      'copy_diagnostics',
    ]);
  });

  it('rejects with an ErrorPayload whatever the IPC layer throws', async () => {
    win.__TAURI_INTERNALS__ = {
      invoke: (cmd) =>
        cmd === 'org_status'
          ? Promise.reject({ code: 'exchange.timeout', message: 'no answer', detail: 'after 30 s' })
          : Promise.reject('command app_info not found'),
    };
    const backend = await selectBackend();
    await expect(backend.orgStatus()).rejects.toEqual({
      code: 'exchange.timeout',
      message: 'no answer',
      detail: 'after 30 s',
    });
    await expect(backend.appInfo()).rejects.toEqual({ code: 'ui.ipc', message: 'command app_info not found' });
  });
});
