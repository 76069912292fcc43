/**
 * The routes and their methods, so an unmatched request can be told 405 with `Allow` rather than
 * 404 when the path exists.
 */
const ROUTE_METHODS: readonly [RegExp, readonly string[]][] = [
  [/^\/auth\/login$/, ['POST']],
  [/^\/auth\/session$/, ['GET']],
  [/^\/auth\/logout$/, ['POST']],
  [/^\/v1\/accounts\/[^/]+\/signals\/scans$/, ['GET']],
  [/^\/admin\/audit$/, ['GET']],
  [/^\/(healthz|readyz|metrics)$/, ['GET']],
];

/** The methods the path allows (HEAD with every GET), or undefined for an unknown path. */
export function allowedMethods(path: string): string[] | undefined {
  const methods = ROUTE_METHODS.find(([pattern]) => pattern.test(path))?.[1];
  if (methods === undefined) return undefined;
  return methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
}
