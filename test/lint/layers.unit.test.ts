import { ESLint } from 'eslint';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { LAYER_ZONES } from '../../eslint.layers.js';

/** The project's layering rule alone, on source text placed at a path inside src/. */
async function lintAt(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { 'import-x': importX },
        settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
        rules: { 'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }] },
      },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('imports run one way: http → scans → subsystems → store/config → platform', () => {
  it.each([
    ['store/ importing http/', 'src/store/fixture.ts', "import { ApiError } from '../http/errors.js';"],
    [
      'cache/ importing the upstream client',
      'src/cache/fixture.ts',
      "import { createUpstreamClient } from '../upstream/client.js';",
    ],
    [
      'upstream/ importing the use case',
      'src/upstream/fixture.ts',
      "import { createListScans } from '../scans/list-scans.js';",
    ],
    ['scans/ importing http/', 'src/scans/fixture.ts', "import { ok } from '../http/envelope.js';"],
    ['http/ importing deps.ts', 'src/http/fixture.ts', "import type { Deps } from '../deps.js';"],
    [
      'platform/ importing the store',
      'src/platform/fixture.ts',
      "import type { Store } from '../store/store.js';",
    ],
  ])('%s fails lint', async (_name, path, code) => {
    const messages = await lintAt(path, `${code}\nexport {};\n`);
    expect(messages.join('\n')).toMatch(/restricted zone/);
  });

  it.each([
    [
      'http/ importing the use case',
      'src/http/fixture.ts',
      "import type { ListScans } from '../scans/list-scans.js';",
    ],
    [
      'scans/ importing the cache',
      'src/scans/fixture.ts',
      "import type { ScanPages } from '../cache/page-request.js';",
    ],
    ['cache/ importing the store', 'src/cache/fixture.ts', "import type { Store } from '../store/store.js';"],
  ])('%s passes', async (_name, path, code) => {
    expect(await lintAt(path, `${code}\nexport {};\n`)).toEqual([]);
  });
});
