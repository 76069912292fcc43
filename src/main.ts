import { existsSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { startServer } from './http/server.js';

/** The process: config → deps → app → listen; SIGTERM drains, SIGHUP reloads users and key. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  let deps;
  try {
    config = loadConfig();
    deps = createDeps(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { logger } = deps;
  if (!(await deps.store.ready(5000))) logger.warn('store not reachable yet: /readyz says 503 until it is');
  await deps.audit
    .flush()
    .catch((error: unknown) => logger.warn({ err: error }, 'audit spool not delivered yet'));
  const server = await startServer(createApp(deps), { port: config.port, host: config.host });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    deps.lifecycle.draining = true;
    await server.close(config.shutdownGraceMs);
    await deps.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => deps.reload());
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  // Announced once the signals are handled: whoever waits for this line may send one at once.
  logger.info(
    { url: server.url, store: deps.store.kind, instances: config.instances },
    'signals-bff listening',
  );
  // The log is buffered; whoever waits for this line should not wait for the next flush.
  logger.flush();
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
