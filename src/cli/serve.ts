import { mkdirSync } from 'node:fs';
import { launchLocalStack } from '../local-stack/stack.js';
import { formatExports, localStackEnvironment } from './environment.js';
import type { LocalOptions } from './options.js';
import { choosePorts, rememberedPorts, rememberPorts } from './ports.js';
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
    throw explainRememberedRegistryPort(error, options);
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

/** A registry port the data directory remembers and another process holds: say why it is kept. */
function explainRememberedRegistryPort(error: unknown, options: LocalOptions): unknown {
  const remembered = rememberedPorts(options.dataDir).registryPort;
  if (options.registryPort !== undefined || remembered === undefined) return error;
  if (!(error instanceof Error) || !error.message.startsWith(`Registry port ${remembered} is already in use`))
    return error;
  return new Error(
    `Registry port ${remembered} is already in use. The stack of ${options.dataDir} keeps it, because the ` +
      `repository URIs and model images in its state name 127.0.0.1:${remembered}. Stop what holds the port ` +
      `(another local stack? 'modelship local status --data-dir DIR' tells), or start with --registry-port ` +
      `(images pushed before then must be pushed again).`
  );
}
