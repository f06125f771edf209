import type { ErrorPayload } from '../bindings/ErrorPayload';

/** Codes for failures that happen in the UI itself, before or outside the Rust side. */
export const UI_ERROR = {
  /** The IPC layer rejected with something that is not an ErrorPayload. */
  ipc: 'ui.ipc',
  /** A browser API (for example the clipboard) refused. */
  browser: 'ui.browser',
} as const;

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    (v.detail === undefined || v.detail === null || typeof v.detail === 'string')
  );
}

/**
 * Normalises anything a promise rejected with into an ErrorPayload, so every error view has
 * the same code/message/detail shape to show.
 */
export function toErrorPayload(reason: unknown, fallbackCode: string = UI_ERROR.ipc): ErrorPayload {
  if (isErrorPayload(reason)) {
    const payload: ErrorPayload = { code: reason.code, message: reason.message };
    if (typeof reason.detail === 'string' && reason.detail !== '') payload.detail = reason.detail;
    return payload;
  }
  // Duck-typed rather than `instanceof Error`: a DOMException (clipboard refusal) is not an
  // Error in every engine.
  if (isErrorLike(reason)) {
    return { code: fallbackCode, message: reason.message || reason.name };
  }
  if (typeof reason === 'string' && reason !== '') {
    return { code: fallbackCode, message: reason };
  }
  return { code: fallbackCode, message: 'Unexpected error', detail: safeString(reason) };
}

function isErrorLike(value: unknown): value is { name: string; message: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.message === 'string';
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
