import { mkdirSync } from 'node:fs';
import { launchLocalStack } from '../local-stack/stack.js';
import { formatExports, localStackEnvironment } from './environment.js';
import type { LocalOptions } from './options.js';
import { choosePorts, rememberPorts } from './ports.js';
import { isServeProcess, readPid, removeRuntimeFiles, writePid, writeRuntime } from './runtime-files.js';

/**
 * `modelship local serve`: runs the local stack in the foreground until SIGTERM or SIGINT, then stops
 * every part (services' containers, registry) before exiting. `up` runs this in the background.
 */
export async function serve(options: LocalOptions, print: (line: string) => void): Promise<number> {
  mkdirSync(options.dataDir, { recursive: true });
  const holder = readPid(options.dataDir);
  if (holder !== undefined && holder !== process.pid && isServeProcess(holder)) {
    throw new Error(
      `A local stack (pid ${holder}) already uses ${options.dataDir}. Stop it with 'modelship local down' first.`
    );
  }
  writePid(options.dataDir, process.pid);
  // Listening from the start: a `down` while the stack is still starting stops it once it has started.
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

  let stack;
  try {
    const ports = await choosePorts(options.dataDir, options);
    stack = await launchLocalStack({
      dataDir: options.dataDir,
      ...ports,
      region: options.region,
      accountId: options.accountId,
      log: (line) => print(`${new Date().toISOString()} ${line}`),
      ...(options.tokenTtlSeconds !== undefined && { tokenTtlSeconds: options.tokenTtlSeconds }),
      ...(options.enforceIam && { enforceIam: true })
    });
  } catch (error) {
    removeRuntimeFiles(options.dataDir);
    throw error;
  }
  rememberPorts(options.dataDir, {
    port: Number(new URL(stack.endpoint).port),
    registryPort: Number(stack.registryHost.split(':')[1])
  });
  writeRuntime({
    pid: process.pid,
    endpoint: stack.endpoint,
    registryHost: stack.registryHost,
    region: stack.region,
    accountId: stack.accountId,
    dataDir: stack.dataDir,
    startedAt: new Date().toISOString()
  });
  print(`${new Date().toISOString()} local stack ready (pid ${process.pid})`);
  print(formatExports(localStackEnvironment(stack)));

  const signal = await stopRequested;
  print(`${new Date().toISOString()} ${signal}: stopping`);
  try {
    await stack.stop();
  } finally {
    removeRuntimeFiles(options.dataDir);
  }
  print(`${new Date().toISOString()} stopped`);
  return 0;
}
