/**
 * The parent ↔ child protocol over Node's IPC channel: the parent calls a named method with JSON
 * params and awaits the JSON result. Servers under test run in children so that the load generator
 * (in the parent) never shares their event loop.
 */

/** A child's methods: name → params and result. Every child has `stop`. */
export type Methods = Record<string, { params: unknown; result: unknown }>;

export interface CallMessage {
  kind: 'call';
  id: number;
  method: string;
  params: unknown;
}

export type ReplyMessage =
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

export function isCallMessage(message: unknown): message is CallMessage {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'call';
}

export function isReplyMessage(message: unknown): message is ReplyMessage {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'reply';
}
