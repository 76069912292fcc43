import type { Redis } from 'ioredis';
import { subscribeOverRedis } from './redis-subscriber.js';
import type { Subscription } from './store.js';

export interface SentinelSwitchOptions {
  sentinels: readonly { host: string; port: number }[];
  masterName: string;
  /** The connections to the master: each reconnects (through the sentinels) on a switch. */
  clients: readonly Redis[];
  commandTimeoutMs: number;
  onError?: ((error: Error) => void) | undefined;
}

/**
 * Follows the sentinels' `+switch-master` announcements (`<name> <old ip> <old port> <new ip>
 * <new port>`) and makes every connection to the master look it up again at once. A master that
 * dies drops its connections by itself; one failed over by hand, or cut off and demoted, lives on
 * and would take writes a replica of the new master then throws away. (ioredis has this as
 * failoverDetector, but its sentinel connections report errors to no listener.)
 */
export function followSentinelSwitches(options: SentinelSwitchOptions): Subscription {
  return subscribeOverRedis({
    targets: options.sentinels,
    channel: '+switch-master',
    connectionName: 'sbff-sentinel-watch',
    commandTimeoutMs: options.commandTimeoutMs,
    onError: options.onError,
    handlers: {
      message(message) {
        if (!message.startsWith(`${options.masterName} `)) return;
        // Only a ready connection: one being made asks the sentinels anyway, and ioredis gives up
        // for good on a connection closed while it is being made.
        for (const client of options.clients) if (client.status === 'ready') client.disconnect(true);
      },
      // A switch missed meanwhile is caught by the old master refusing writes (READONLY).
      up: () => undefined,
      down: () => undefined,
    },
  });
}
