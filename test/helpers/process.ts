import { spawn, type ChildProcess } from 'node:child_process';

/** The real gateway process (`src/main.ts` through tsx), to test signals and start-up. */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

export function runMain(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, stderr: () => err, exited };
}

/** Starts the gateway process and resolves once it logs that it listens. */
export async function startMainProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const run = runMain({ PORT: '0', ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      for (const line of run.output().split('\n')) {
        if (!line.includes('signals-bff listening')) continue;
        run.child.stdout?.off('data', onData);
        resolve((JSON.parse(line) as { url: string }).url);
        return;
      }
    };
    run.child.stdout?.on('data', onData);
    void run.exited.then((code) =>
      reject(new Error(`gateway exited (${String(code)}): ${run.stderr()}${run.output()}`)),
    );
  });
  return { child: run.child, url, stdout: run.output, exited: run.exited };
}
