import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomically } from '../local-stack/state.js';

export const DEFAULT_PORT = 4510;
export const DEFAULT_REGISTRY_PORT = 5510;

export interface StackPorts {
  /** The AWS endpoint's port on 127.0.0.1. */
  port: number;
  /** The registry's port on 127.0.0.1: part of every repository URI and image name the state holds. */
  registryPort: number;
}

function portsFile(dataDir: string): string {
  return join(dataDir, 'local-stack-ports.json');
}

/** The ports the data directory's stack listened on last; empty when it never started. */
export function rememberedPorts(dataDir: string): Partial<StackPorts> {
  try {
    const recorded = JSON.parse(readFileSync(portsFile(dataDir), 'utf8')) as Partial<StackPorts>;
    return Object.fromEntries(
      Object.entries(recorded).filter(
        ([name, value]) =>
          (name === 'port' || name === 'registryPort') && Number.isInteger(value) && value > 0
      )
    );
  } catch {
    return {};
  }
}

export function rememberPorts(dataDir: string, ports: StackPorts): void {
  writeFileAtomically(portsFile(dataDir), JSON.stringify(ports) + '\n');
}

/**
 * The ports a stack starts on. Given ones win. Otherwise the registry keeps the port the data directory's
 * stack used last, because the repository URIs and model images in its state name it (held by another
 * program, that is an error saying so, not a silent move); the endpoint keeps its last port while that is
 * free. A data directory that never ran takes the defaults while they are free and free ports when not, so
 * a second repository's stack starts beside a running one.
 */
export async function choosePorts(
  dataDir: string,
  given: Partial<StackPorts>,
  defaults: StackPorts = { port: DEFAULT_PORT, registryPort: DEFAULT_REGISTRY_PORT }
): Promise<StackPorts> {
  const remembered = rememberedPorts(dataDir);
  const firstFree = async (...candidates: (number | undefined)[]) => {
    for (const candidate of candidates)
      if (candidate !== undefined && (await isFree(candidate))) return candidate;
    return 0;
  };
  const kept = remembered.registryPort;
  if (given.registryPort === undefined && kept !== undefined && !(await isFree(kept)))
    throw heldRegistryPort(dataDir, kept);
  return {
    port: given.port ?? (await firstFree(remembered.port, defaults.port)),
    registryPort: given.registryPort ?? remembered.registryPort ?? (await firstFree(defaults.registryPort))
  };
}

function heldRegistryPort(dataDir: string, port: number): Error {
  return new Error(
    `Registry port ${port} is already in use. The stack of ${dataDir} keeps it, because the repository ` +
      `URIs and model images in its state name 127.0.0.1:${port}. Stop what holds the port (another local ` +
      `stack? 'modelship local status --data-dir DIR' tells), or start with --registry-port (images pushed ` +
      `before then must be pushed again).`
  );
}

/** Whether nothing listens on 127.0.0.1:`port` (a probe; the stack's own listen still reports a race). */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
