// The fallback of bench/load.ts where wrk is missing: the same job and the same JSON line as
// bench/load.lua, from autocannon in a process of its own (so it never shares the bench's loop).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const job = JSON.parse(process.argv[2] ?? '{}');
const paths = job.pathsFile ? readFileSync(job.pathsFile, 'utf8').trim().split('\n') : [job.path ?? '/'];
let index = 0;
const statuses = {};
const instance = autocannon(
  {
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    timeout: 10,
    method: job.body === undefined ? 'GET' : 'POST',
    headers: job.headers ?? {},
    ...(job.body === undefined ? {} : { body: job.body }),
    ...(job.rate === undefined ? {} : { overallRate: job.rate }),
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[index++ % paths.length] }) }],
  },
  (error, result) => {
    if (error) throw error;
    const errorStatuses = Object.entries(statuses)
      .filter(([status]) => Number(status) >= 400)
      .reduce((n, [, count]) => n + count, 0);
    process.stdout.write(
      `${JSON.stringify({
        requests: result.requests.total,
        durationUs: Math.round(result.duration * 1e6),
        errorStatuses,
        // Timeouts included.
        socketErrors: result.errors,
        p50Us: Math.round(result.latency.p50 * 1000),
        p99Us: Math.round(result.latency.p99 * 1000),
        statuses: job.countStatuses ? statuses : {},
      })}\n`,
    );
  },
);
instance.on('response', (_client, status) => {
  statuses[status] = (statuses[status] ?? 0) + 1;
});
