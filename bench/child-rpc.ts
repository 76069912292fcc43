import { isCallMessage, type Methods, type ReplyMessage } from './rpc.js';

export type Handlers<M extends Methods> = {
  [K in keyof M]: (params: M[K]['params']) => Promise<M[K]['result']> | M[K]['result'];
};

/**
 * The child side: answers the parent's calls. After `stop` has answered, the process exits
 * (normally, so `--cpu-prof` writes its profile); when the parent goes away it stops and exits.
 */
export function serveRpc<M extends Methods>(handlers: Handlers<M>): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('a bench child must be started by bench/run.ts (no IPC channel)');
  const reply = (message: ReplyMessage, then?: () => void) => send(message, undefined, {}, () => then?.());

  process.on('message', (message: unknown) => {
    if (!isCallMessage(message)) return;
    const handler = (handlers as Record<string, ((p: unknown) => unknown) | undefined>)[message.method];
    const exit = message.method === 'stop' ? () => process.exit(0) : undefined;
    if (handler === undefined) {
      reply({ kind: 'reply', id: message.id, ok: false, error: `no method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params))
      .then(
        (result) => reply({ kind: 'reply', id: message.id, ok: true, result: result ?? null }, exit),
        (error: unknown) => reply({ kind: 'reply', id: message.id, ok: false, error: describe(error) }, exit),
      );
  });
  // Ctrl-C reaches the whole process group: the parent decides, and stops us in order.
  process.on('SIGINT', () => undefined);
  // The parent went away (a crash, a kill): clean up as on `stop` (a gateway deletes its keys),
  // but never linger.
  process.on('disconnect', () => {
    const stop = (handlers as Record<string, ((p: unknown) => unknown) | undefined>)['stop'];
    setTimeout(() => process.exit(1), 5000).unref();
    Promise.resolve()
      .then(() => stop?.(null))
      .finally(() => process.exit(1))
      .catch(() => undefined);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
