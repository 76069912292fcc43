import type { ResolvedSession } from './identity.js';

export interface RememberedSession {
  /** What resolve answers (its id hash computed once per token); replaced, never mutated, when last-seen moves. */
  view: ResolvedSession;
  /** Served from memory before this time only: the fill's time plus the TTL, at most the session's end. */
  readonly until: number;
}

/**
 * The sessions this instance read from the store, by token (the token never leaves the process;
 * only its hash is published). It answers only while `on`, which the owner sets while it hears
 * every session end; switching it either way forgets everything.
 *
 * A read from the store may race an end message: the reply on the command connection and the
 * message on the subscriber connection arrive in either order. So a fill names the epoch it
 * started in, and any end heard or switch since then (the epoch moved) keeps it out.
 */
export interface SessionMemory {
  readonly on: boolean;
  switch(on: boolean): void;
  /** The current epoch, to pass to `keep` for a read that starts now. */
  epoch(): number;
  get(token: string, now: number): RememberedSession | undefined;
  keep(token: string, view: ResolvedSession, now: number, since: number): void;
  forget(idHash: string): void;
}

export function createSessionMemory(options: { ttlMs: number; maxEntries: number }): SessionMemory {
  const { ttlMs, maxEntries } = options;
  const byToken = new Map<string, RememberedSession>();
  const tokenOf = new Map<string, string>();
  let on = false;
  let epoch = 0;

  const drop = (token: string, idHash: string) => {
    byToken.delete(token);
    tokenOf.delete(idHash);
  };

  return {
    get on() {
      return on;
    },
    switch(value) {
      on = value;
      epoch += 1;
      byToken.clear();
      tokenOf.clear();
    },
    epoch: () => epoch,
    get(token, now) {
      const remembered = byToken.get(token);
      if (remembered === undefined) return undefined;
      if (now < remembered.until) return remembered;
      drop(token, remembered.view.idHash);
      return undefined;
    },
    keep(token, view, now, since) {
      const { idHash } = view;
      if (!on || since !== epoch || ttlMs <= 0) return;
      const until = Math.min(now + ttlMs, view.expiresAt);
      if (until <= now) return;
      // Re-inserted so that Map order is fill order: the first entry is the one to expire first.
      byToken.delete(token);
      byToken.set(token, { view, until });
      tokenOf.set(idHash, token);
      if (byToken.size > maxEntries) {
        const oldest = byToken.entries().next();
        if (oldest.done !== true) drop(oldest.value[0], oldest.value[1].view.idHash);
      }
    },
    forget(idHash) {
      epoch += 1;
      const token = tokenOf.get(idHash);
      if (token !== undefined) drop(token, idHash);
    },
  };
}
