// PLACEHOLDER (auth helper replaces): /auth/login, /auth/session, /auth/logout.
import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';

export function authRoutes(_deps: Deps) {
  return new Hono<AppEnv>();
}
