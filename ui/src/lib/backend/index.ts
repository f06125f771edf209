import type { Backend } from './types';

export type { AppInfo, Backend, ConnectionInfo, ErrorPayload, OrgState } from './types';
export { isErrorPayload, toErrorPayload, UI_ERROR } from './errors';

/** Tauri injects this global into its webview before any page script runs. */
export function isTauri(win: Window = window): boolean {
  return '__TAURI_INTERNALS__' in win;
}

/**
 * Picks the real backend inside the Tauri webview and the lab fake anywhere else (a plain
 * browser during `npm run dev`). Both are loaded lazily so each build only fetches the one
 * it uses.
 */
export async function selectBackend(win: Window = window): Promise<Backend> {
  if (isTauri(win)) {
    const { createTauriBackend } = await import('./tauri');
    return createTauriBackend();
  }
  const { createFakeBackend } = await import('./fake');
  return createFakeBackend();
}
