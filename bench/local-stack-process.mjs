// Starts the bundled local stack (`modelship local serve` on free ports) for a benchmark, the way the
// integration tests do, and waits until it has written its runtime file.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export function spawnLocalStack(dataDir, stdio = 'ignore') {
  const args = ['local', 'serve', '--port', '0', '--registry-port', '0', '--data-dir', dataDir];
  return spawn(process.execPath, [join(root, 'dist/cli/index.js'), ...args], { stdio });
}

export async function waitForRuntime(dataDir, pid) {
  const file = join(dataDir, 'local-stack.json');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const info = JSON.parse(readFileSync(file, 'utf8'));
      if (info.pid === pid) return info;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('modelship local serve did not start; is dist/cli built? (npm run bundle cli)');
}
