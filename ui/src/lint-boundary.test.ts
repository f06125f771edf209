// @vitest-environment node
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The ui/ folder, whatever directory the test runner was started from.
const cwd = decodeURIComponent(new URL('..', import.meta.url).pathname);
const eslint = new ESLint({ cwd });

async function restrictedImports(code: string, filePath: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').length ?? -1;
}

const IMPORT = "import { invoke } from '@tauri-apps/api/core';\nexport const f = invoke;\n";

describe('the Tauri import boundary', () => {
  it('forbids @tauri-apps/* outside backend/tauri.ts', async () => {
    expect(await restrictedImports(IMPORT, 'src/lib/pages/Sneaky.ts')).toBe(1);
    expect(await restrictedImports("import '@tauri-apps/plugin-store';\n", 'src/App.ts')).toBe(1);
  });

  it('allows it in backend/tauri.ts', async () => {
    expect(await restrictedImports(IMPORT, 'src/lib/backend/tauri.ts')).toBe(0);
  });
});
