import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isReplyMessage, type Methods } from './rpc.js';

export interface Child<M extends Methods> {
  name: string;
  pid: number;
  call<K extends keyof M & string>(method: K, params: M[K]['params']): Promise<M[K]['result']>;
  /** Asks the child to stop (it cleans up and exits); kills it when it does not within 15 s. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Pass the child's stdout through (its log lines); else it goes to /dev/null. */
  showStdout?: boolean;
  /**
   * Where bench/transpile.ts put the JavaScript: the child runs that with plain `node`.
   * Without it the child runs from source under `node --import tsx`.
   */
  jsDir?: string | undefined;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts `bench/processes/<entry>` as a child process with an IPC channel. */
export function startChild<M extends Methods>(entry: string, options: ChildOptions = {}): Child<M> {
  const args =
    options.jsDir === undefined
      ? ['--import', 'tsx', fileURLToPath(new URL(`./processes/${entry}.ts`, import.meta.url))]
      : [join(options.jsDir, 'bench', 'processes', `${entry}.js`)];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', options.showStdout ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${entry}`);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code;
      for (const p of pending.values()) p.reject(new Error(`${entry} exited (${code ?? signal})`));
      pending.clear();
      resolve();
    }),
  );
  child.on('message', (message: unknown) => {
    if (!isReplyMessage(message)) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.result);
    else waiter?.reject(new Error(`${entry}: ${message.error}`));
  });

  const rawCall = (method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (exitCode !== undefined) return reject(new Error(`${entry} has exited`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ kind: 'call', id, method, params });
    });

  return {
    name: entry,
    pid,
    call: (method, params) => rawCall(method, params),
    async stop() {
      if (exitCode !== undefined) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        await rawCall('stop', null).catch(() => undefined);
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
