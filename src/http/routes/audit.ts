// PLACEHOLDER (audit helper replaces): GET /admin/audit for role auditor.
import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import type { AppEnv } from '../app-env.js';

export function auditRoutes(_deps: Deps) {
  return new Hono<AppEnv>();
}
