import { resolve } from 'node:path';
import { down, runningStack, up, type DownResult } from './daemon.js';
import { formatExports, localStackEnvironment, shellQuote } from './environment.js';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  DEFAULT_REGISTRY_PORT,
  parseLocalOptions,
  UsageError
} from './options.js';
import { serve } from './serve.js';

export const USAGE = `Usage: modelship local <command> [options]

Runs AWS's APIs for the modelship chain on this machine: ECR (with a real registry), STS and the
services registered in the local stack, on one endpoint on 127.0.0.1.

Commands:
  up       start the local stack in the background (idempotent) and print its environment
  down     stop it, with the registry and every container it started; state is kept
  status   say whether it runs, where, and the health of its parts (exit code 3 when stopped)
  env      print its environment as shell exports: eval "$(modelship local env)"
  serve    run it in the foreground until interrupted

Options:
  --data-dir <dir>        state, registry storage, pid file and log (default: ./${DEFAULT_DATA_DIR})
  --port <n>              AWS endpoint port on 127.0.0.1 (default: ${DEFAULT_PORT}; 0 picks a free port)
  --registry-port <n>     registry port on 127.0.0.1 (default: ${DEFAULT_REGISTRY_PORT}; 0 picks a free port)
  --region <name>         default region (default: us-east-1)
  --token-ttl <seconds>   lifetime of registry passwords from GetAuthorizationToken (default: 43200)
`;

function downMessage(result: DownResult): string {
  if (result.stopped === 'stack') return 'Local stack stopped.';
  const leftovers = [
    ...(result.registry ? ['the registry'] : []),
    ...(result.containers > 0 ? [`${result.containers} endpoint container(s)`] : [])
  ];
  return leftovers.length === 0
    ? 'The local stack was not running.'
    : `The local stack was not running; stopped ${leftovers.join(' and ')} a killed stack left behind.`;
}

/** The --data-dir flag a later command needs to find the same stack; none for the default directory. */
function dataDirFlag(dataDir: string): string {
  return dataDir === resolve(DEFAULT_DATA_DIR) ? '' : ` --data-dir ${shellQuote(dataDir)}`;
}

/** `script` is the CLI's entry file, which `up` runs again as the background `serve` process. */
export async function runCli(
  args: string[],
  script: string,
  print: (text: string) => void = (text) => console.log(text)
): Promise<number> {
  const [group, command, ...rest] = args;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    print(USAGE);
    return 0;
  }
  try {
    if (group !== 'local') throw new UsageError(`Unknown command '${group}'.`);
    const options = parseLocalOptions(rest);
    switch (command) {
      case 'up': {
        const { info, alreadyRunning } = await up(options, script);
        print(
          alreadyRunning
            ? `The local stack is already running (pid ${info.pid}).`
            : `Local stack started (pid ${info.pid}); log: ${options.dataDir}/local-stack.log`
        );
        print(`# AWS endpoint ${info.endpoint}, registry ${info.registryHost}, data ${info.dataDir}`);
        print(`# To use it in this shell: eval "$(modelship local env${dataDirFlag(options.dataDir)})"`);
        print(formatExports(localStackEnvironment(info)));
        return 0;
      }
      case 'down':
        print(downMessage(await down(options.dataDir)));
        return 0;
      case 'status': {
        const running = await runningStack(options.dataDir);
        if (!running) {
          print(`The local stack is not running (data directory ${options.dataDir}).`);
          return 3;
        }
        const { info, health } = running;
        print(
          [
            `running   pid ${info.pid} since ${info.startedAt}`,
            `endpoint  ${info.endpoint} (region ${info.region}, account ${info.accountId})`,
            `registry  ${info.registryHost} (${health.registry ?? 'unknown'})`,
            `services  ${(health.services ?? []).join(', ')}`,
            `data      ${info.dataDir}`
          ].join('\n')
        );
        return 0;
      }
      case 'env': {
        const running = await runningStack(options.dataDir);
        if (!running) throw new Error(`The local stack is not running. Start it with 'modelship local up'.`);
        print(formatExports(localStackEnvironment(running.info)));
        return 0;
      }
      case 'serve':
        return await serve(options, print);
      default:
        throw new UsageError(
          command === undefined ? 'Missing command.' : `Unknown command 'local ${command}'.`
        );
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`modelship: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
