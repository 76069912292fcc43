/**
 * The methods each route path allows, read from the app's own routes (HEAD with every GET), so an
 * unmatched request on a known path is told 405 with `Allow` rather than 404.
 */
export function routeMethods(routes: readonly { path: string; method: string }[]) {
  const byPattern = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const { path, method } of routes) {
    // Middleware (`ALL`, wildcards) is not a route of its own.
    if (method === 'ALL' || path.includes('*')) continue;
    const entry = byPattern.get(path) ?? { pattern: pathPattern(path), methods: new Set<string>() };
    entry.methods.add(method);
    if (method === 'GET') entry.methods.add('HEAD');
    byPattern.set(path, entry);
  }
  const known = [...byPattern.values()];
  /** The methods the path allows, or undefined for an unknown path. */
  return function allowedMethods(path: string): string[] | undefined {
    const match = known.find((r) => r.pattern.test(path));
    return match === undefined ? undefined : [...match.methods];
  };
}

/** `/v1/accounts/:accountGroupId/signals/scans` → a RegExp where each `:param` is one segment. */
function pathPattern(path: string): RegExp {
  const segments = path
    .split('/')
    .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}
