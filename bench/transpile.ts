import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** Inside node_modules, so the output resolves the project's packages as the sources do. */
const CACHE_DIR = join(REPO, 'node_modules', '.cache', 'signals-bff-bench');

/**
 * Transpiles src/ and bench/ to plain JavaScript (types stripped, one file at a time), so the
 * children run compiled code as `npm start` does. Under `node --import tsx` every process would
 * also carry the loader (about 25 MB of RSS on this stack), which production never does.
 */
export function transpileForChildren(): { dir: string; remove(): void } {
  const outDir = join(CACHE_DIR, String(process.pid));
  rmSync(outDir, { recursive: true, force: true });
  for (const dir of ['src', 'bench']) {
    for (const file of tsFiles(join(REPO, dir))) {
      const out = join(outDir, relative(REPO, file)).replace(/\.ts$/, '.js');
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  // Node stops looking for the package type at node_modules: say ESM here.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  return { dir: outDir, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
