import { Redis } from 'ioredis';
import { quit } from './redis-quit.js';
import type { Subscription, SubscriptionHandlers } from './store.js';

/** A `redis://…` URL, a host and port, or the sentinels of a master and its name. */
export type RedisTarget =
  string | { host: string; port: number } | { sentinels: { host: string; port: number }[]; name: string };

export interface RedisSubscriberOptions {
  /**
   * Where to subscribe, tried in turn after each failure: one node, the master its sentinels
   * name, or the seeds of a Cluster (a plain PUBLISH reaches the subscribers of every node, so
   * any one of them will do).
   */
  targets: readonly RedisTarget[];
  channel: string;
  /** Never called once `close` was. */
  handlers: SubscriptionHandlers;
  /** CLIENT SETNAME of the connection, so operators (and tests) can find it in CLIENT LIST. */
  connectionName: string;
  commandTimeoutMs: number;
  onError?: ((error: Error) => void) | undefined;
}

/**
 * A subscription on a connection of its own, reconnected here rather than by ioredis: ioredis
 * resubscribes silently (for a Cluster it even swallows a failed resubscribe), while a listener
 * that must not miss a message needs to know exactly when it may have missed one. So `up` is
 * called on the SUBSCRIBE acknowledgement and `down` as soon as that connection ends.
 */
export function subscribeOverRedis(options: RedisSubscriberOptions): Subscription {
  const { targets, channel, handlers } = options;
  let closed = false;
  let failures = 0;
  let current: Redis | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = () => {
    retry = undefined;
    if (closed) return;
    const target = targets[failures % targets.length] ?? 'redis://127.0.0.1:6379';
    const settings = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResubscribe: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 1000,
      // Every connection ends for good on its first loss; `connect` makes the next one.
      retryStrategy: () => null,
      connectionName: options.connectionName,
    };
    const connection =
      typeof target === 'string' ? new Redis(target, settings) : new Redis({ ...target, ...settings });
    current = connection;
    let up = false;
    connection.on('error', (error: Error) => options.onError?.(error));
    // Not gated on `up`: a message can arrive in the same read as the acknowledgement.
    connection.on('message', (from: string, message: string) => {
      if (from === channel && !closed) handlers.message(message);
    });
    connection.once('end', () => {
      if (current === connection) current = undefined;
      if (closed) return;
      if (up) handlers.down();
      up = false;
      failures += 1;
      retry = setTimeout(connect, Math.min(50 * failures, 500));
      retry.unref();
    });
    connection
      .connect()
      .then(() => connection.subscribe(channel))
      .then(() => {
        if (closed || current !== connection) return;
        up = true;
        failures = 0;
        handlers.up();
      })
      .catch(() => connection.disconnect());
  };
  connect();

  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const connection = current;
      current = undefined;
      if (connection !== undefined) await quit(connection);
    },
  };
}
