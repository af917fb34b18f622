import { resolve } from 'node:path';
import { down, reset, runningStack, up, type DownResult } from './daemon.js';
import { formatExports, localStackEnvironment, shellQuote } from './environment.js';
import type { CommandSpec } from './help.js';
import { DEFAULT_DATA_DIR, LOCAL_OPTIONS, parseLocalOptions } from './options.js';
import { RUN_DESCRIPTION, RUN_OPTIONS } from './run-options.js';

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

/**
 * Every `modelship` command, one row each (see CommandSpec): a new command adds its row here. Groups
 * (rows without `run`) list the rows whose name extends theirs by one word.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: '',
    summary: 'Runs the modelship chain on this machine.',
    description:
      'modelship: GitHub actions that build, push, register, deploy and smoke-test a model, and the\n' +
      'local stack that runs the same chain on one machine with no AWS account.',
    options: [{ name: 'version', description: "print modelship's version" }]
  },
  {
    name: 'local',
    summary: 'the local stack: AWS APIs for the chain on 127.0.0.1',
    description:
      "Runs AWS's APIs for the modelship chain on this machine: ECR (with a real registry), STS and the\n" +
      'services registered in the local stack, on one endpoint on 127.0.0.1.'
  },
  {
    name: 'local up',
    summary: 'start the local stack in the background (idempotent) and print its environment',
    options: LOCAL_OPTIONS,
    run: async (args, io) => {
      const options = parseLocalOptions(args);
      const { info, alreadyRunning } = await up(options, io.script);
      io.print(
        alreadyRunning
          ? `The local stack is already running (pid ${info.pid}).`
          : `Local stack started (pid ${info.pid}); log: ${options.dataDir}/local-stack.log`
      );
      io.print(`# AWS endpoint ${info.endpoint}, registry ${info.registryHost}, data ${info.dataDir}`);
      io.print(`# To use it in this shell: eval "$(modelship local env${dataDirFlag(options.dataDir)})"`);
      io.print(formatExports(localStackEnvironment(info)));
      return 0;
    }
  },
  {
    name: 'local down',
    summary: 'stop it, with the registry and every container it started; state is kept',
    options: LOCAL_OPTIONS,
    run: async (args, io) => {
      io.print(downMessage(await down(parseLocalOptions(args).dataDir)));
      return 0;
    }
  },
  {
    name: 'local status',
    summary: 'say whether it runs, where, and the health of its parts (exit code 3 when stopped)',
    options: LOCAL_OPTIONS,
    run: async (args, io) => {
      const { dataDir } = parseLocalOptions(args);
      const running = await runningStack(dataDir);
      if (!running) {
        io.print(`The local stack is not running (data directory ${dataDir}).`);
        return 3;
      }
      const { info, health } = running;
      io.print(
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
  },
  {
    name: 'local env',
    summary: 'print its environment as shell exports: eval "$(modelship local env)"',
    options: LOCAL_OPTIONS,
    run: async (args, io) => {
      const running = await runningStack(parseLocalOptions(args).dataDir);
      if (!running) throw new Error(`The local stack is not running. Start it with 'modelship local up'.`);
      io.print(formatExports(localStackEnvironment(running.info)));
      return 0;
    }
  },
  {
    name: 'local reset',
    summary: "empty every service's state while it runs: a clean stack between test cases",
    description:
      "Empties every service's state of the running stack and answers once done: endpoints' containers\n" +
      'are stopped and removed, registry images deleted, repositories, stacks, models and the Model\n' +
      'Registry emptied. Registry logins stay valid.',
    options: LOCAL_OPTIONS,
    run: async (args, io) => {
      const running = await runningStack(parseLocalOptions(args).dataDir);
      if (!running) throw new Error(`The local stack is not running. Start it with 'modelship local up'.`);
      await reset(running.info.endpoint);
      io.print(`Local stack reset: every service's state is empty (endpoint ${running.info.endpoint}).`);
      return 0;
    }
  },
  {
    name: 'local serve',
    summary: 'run it in the foreground until interrupted (what up starts in the background)',
    options: LOCAL_OPTIONS,
    // Loaded when run: the local stack is most of the CLI's code, which the other commands need not load.
    run: async (args, io) =>
      (await import('./serve.js')).serve(parseLocalOptions(args), (line) => io.print(line))
  },
  {
    name: 'run',
    summary: "run a workflow file the way GitHub's runner would, on this machine",
    synopsis: 'WORKFLOW [options]',
    description: RUN_DESCRIPTION,
    options: RUN_OPTIONS,
    run: async (args, io) => (await import('./run.js')).runCommand(args, io.script, (line) => io.print(line))
  }
];
