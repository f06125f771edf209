import { describe, expect, it } from 'vitest';

import { FileExport } from './file-export.svelte';

describe('FileExport', () => {
  it('is busy while writing, then keeps the file', async () => {
    const exp = new FileExport();
    let finish: (file: { path: string; bytes: number }) => void = () => {};
    const running = exp.run('Map', () => new Promise((resolve) => (finish = resolve)));
    expect(exp.busy).toBe('Map');
    finish({ path: '/tmp/map.svg', bytes: 12 });
    await running;
    expect(exp.busy).toBeUndefined();
    expect(exp.result).toEqual({ what: 'Map', file: { path: '/tmp/map.svg', bytes: 12 } });
    expect(exp.error).toBeUndefined();
  });

  it('shows nothing when Save as was cancelled', async () => {
    const exp = new FileExport();
    await exp.run('Report', () => Promise.resolve({ path: '/tmp/r.html', bytes: 1 }));
    await exp.run('Report', () => Promise.resolve(null));
    expect(exp.result).toBeUndefined();
    expect(exp.error).toBeUndefined();
    expect(exp.busy).toBeUndefined();
  });

  it('replaces an earlier result with the error of a failed write', async () => {
    const exp = new FileExport();
    await exp.run('Report', () => Promise.resolve({ path: '/tmp/r.html', bytes: 1 }));
    await exp.run('Report', () => Promise.reject({ code: 'report.write', message: 'disk full' }));
    expect(exp.result).toBeUndefined();
    expect(exp.error).toEqual({ code: 'report.write', message: 'disk full' });
    expect(exp.busy).toBeUndefined();
  });
});
