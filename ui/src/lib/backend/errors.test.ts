import { describe, expect, it } from 'vitest';

import { isErrorPayload, toErrorPayload, UI_ERROR } from './errors';

describe('toErrorPayload', () => {
  it('keeps an ErrorPayload from Rust, dropping unknown fields', () => {
    const fromRust = { code: 'exchange.timeout', message: 'no answer', detail: 'after 30 s', extra: 1 };
    expect(toErrorPayload(fromRust)).toEqual({ code: 'exchange.timeout', message: 'no answer', detail: 'after 30 s' });
  });

  it('leaves detail out when absent or null', () => {
    expect(toErrorPayload({ code: 'a.b', message: 'm' })).toEqual({ code: 'a.b', message: 'm' });
    expect(toErrorPayload({ code: 'a.b', message: 'm', detail: null })).toEqual({ code: 'a.b', message: 'm' });
  });

  it('wraps strings (Tauri rejects with a string for unknown commands)', () => {
    expect(toErrorPayload('command org_status not found')).toEqual({
      code: UI_ERROR.ipc,
      message: 'command org_status not found',
    });
  });

  it('wraps Error objects with the given code', () => {
    expect(toErrorPayload(new Error('denied'), UI_ERROR.browser)).toEqual({ code: 'ui.browser', message: 'denied' });
  });

  it('wraps a DOMException, which is not an Error everywhere', () => {
    const refusal = new DOMException('Write permission denied.', 'NotAllowedError');
    expect(toErrorPayload(refusal, UI_ERROR.browser)).toEqual({ code: 'ui.browser', message: 'Write permission denied.' });
  });

  it('describes anything else in detail', () => {
    expect(toErrorPayload({ code: 3 })).toEqual({ code: 'ui.ipc', message: 'Unexpected error', detail: '{"code":3}' });
  });

  it('recognises only well-formed payloads', () => {
    expect(isErrorPayload({ code: 'x', message: 'y' })).toBe(true);
    expect(isErrorPayload({ code: 'x' })).toBe(false);
    expect(isErrorPayload({ code: 'x', message: 'y', detail: 5 })).toBe(false);
    expect(isErrorPayload(null)).toBe(false);
  });
});
