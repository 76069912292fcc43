import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) that a summary needs. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  /** µs since the previous sample (the first: since the profile started). */
  timeDeltas: number[];
}

export interface Cost {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Time spent in the function itself, by function. */
  selfByFunction: Cost[];
  /** Self time by where the code lives: the gateway's src/, a package, Node, GC, idle. */
  selfByOwner: Cost[];
  /**
   * Every sample charged to the nearest gateway src/ function on its stack: what that function
   * costs itself plus the library and Node code it calls directly (not through another src/
   * function). Samples with no src/ frame stay with their owner (socket I/O, GC, the HTTP server).
   */
  attributedToSrc: Cost[];
  /** For the top few of `attributedToSrc`: which functions the time was spent in. */
  breakdown: { name: string; costs: Cost[] }[];
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SRC = 'gateway src/';

/** Summarises a profile, leaving out its first `skipMs` (start-up, before the load began). */
export function summariseCpuProfile(
  file: string,
  options: { skipMs?: number; top?: number } = {},
): ProfileSummary {
  const { skipMs = 0, top = 20 } = options;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    if (elapsedUs >= skipMs * 1000) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const nearestSrc = new Map<number, string | null>();
  const srcAncestor = (id: number | undefined): string | null => {
    if (id === undefined) return null;
    const known = nearestSrc.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const found =
      node === undefined
        ? null
        : owner(node.callFrame) === SRC
          ? frameName(node.callFrame)
          : srcAncestor(parentOf.get(id));
    nearestSrc.set(id, found);
    return found;
  };

  const selfByFunction = new Map<string, number>();
  const selfByOwner = new Map<string, number>();
  const attributed = new Map<string, number>();
  const within = new Map<string, Map<string, number>>();
  for (const node of profile.nodes) {
    const self = selfUs.get(node.id) ?? 0;
    const name = frameName(node.callFrame);
    add(selfByFunction, name, self);
    add(selfByOwner, owner(node.callFrame), self);
    const charged = srcAncestor(node.id) ?? `(no src/ frame) ${owner(node.callFrame)}`;
    add(attributed, charged, self);
    const inner = within.get(charged) ?? new Map<string, number>();
    within.set(charged, inner);
    add(inner, name, self);
  }
  const rank = (m: Map<string, number>, n: number): Cost[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        percent: Math.round((1000 * us) / totalUs) / 10,
      }));
  return {
    totalMs: Math.round(totalUs / 1000),
    selfByFunction: rank(selfByFunction, top),
    selfByOwner: rank(selfByOwner, 12),
    attributedToSrc: rank(attributed, top),
    breakdown: rank(attributed, 8).map(({ name }) => ({
      name,
      costs: rank(within.get(name) ?? new Map(), 6),
    })),
  };
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const section = (title: string, costs: Cost[]) => [
    title,
    ...costs.map((c) => `  ${c.percent.toFixed(1).padStart(5)}%  ${String(c.ms).padStart(6)} ms  ${c.name}`),
  ];
  return [
    `profile: ${summary.totalMs} ms of samples`,
    ...section('self time by owner:', summary.selfByOwner),
    ...section('self time by function:', summary.selfByFunction),
    ...section('charged to the nearest gateway src/ function on the stack:', summary.attributedToSrc),
    ...summary.breakdown.flatMap((b) => section(`within ${b.name}:`, b.costs)),
  ].join('\n');
}

function add(map: Map<string, number>, key: string, us: number): void {
  if (us > 0) map.set(key, (map.get(key) ?? 0) + us);
}

/** Repo-relative for the project's own code (transpiled copies included), package-relative for packages. */
function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const transpiled = /node_modules\/\.cache\/signals-bff-bench\/[^/]+\/(.*)$/.exec(path);
  if (transpiled) return transpiled[1] ?? path;
  const rel = path.startsWith(REPO) ? path.slice(REPO.length) : path;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(rel);
  return pkg ? `${pkg[1]}/${pkg[2]}` : rel;
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  if (frame.url === '')
    return frame.functionName.startsWith('(')
      ? frame.functionName
      : `${frame.functionName || '(anonymous)'} (native)`;
  return `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function owner(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : 'native (V8 builtins, C++)';
  if (url.startsWith('node:')) return 'node: internals';
  const rel = shortUrl(url);
  if (rel.startsWith('src/')) return SRC;
  if (rel.startsWith('bench/')) return 'bench harness (child)';
  return /^((?:@[^/]+\/)?[^/]+)\//.exec(rel)?.[1] ?? rel;
}
