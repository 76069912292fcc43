import type { Cluster, Redis } from 'ioredis';

/** Closes a connection politely, or at once when QUIT cannot be sent (already down). */
export async function quit(client: Redis | Cluster): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
