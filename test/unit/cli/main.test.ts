import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec } from '../../../src/cli/help.js';
import { runCli } from '../../../src/cli/main.js';
import { PROJECT_ROOT } from '../../helpers/action-runner.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function modelship(args: string[], commands?: readonly CommandSpec[]): Promise<Run> {
  const run = { stdout: '', stderr: '' };
  const io = {
    script: '/bin/modelship.js',
    print: (text: string) => (run.stdout += `${text}\n`),
    error: (text: string) => (run.stderr += `${text}\n`)
  };
  return { code: await runCli(args, io, commands), ...run };
}

const LOCAL_COMMANDS = ['up', 'down', 'status', 'env', 'serve'];

describe('modelship help', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])(
    'modelship %j: the commands and options, on stdout, exit 0',
    async (args) => {
      const run = await modelship(args);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: modelship <command> \[options\]\n/);
      expect(run.stdout).toMatch(/^ {2}local +the local stack/m);
      expect(run.stdout).toMatch(/^ {2}--version +print modelship's version$/m);
      expect(run.stdout).toMatch(/^ {2}-h, --help +show this help$/m);
    }
  );

  it.each([[['local', '--help']], [['local', '-h']], [['help', 'local']]])(
    'modelship %j: the local subcommands',
    async (args) => {
      const run = await modelship(args);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: modelship local <command>\n/);
      for (const command of LOCAL_COMMANDS)
        expect(run.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
      expect(run.stdout).toContain("Run 'modelship local <command> --help' for a command's options.");
    }
  );

  it.each(
    LOCAL_COMMANDS.flatMap((command) => [[['local', command, '--help']], [['help', 'local', command]]])
  )('modelship %j: its usage and every option', async (args) => {
    const name = args.filter((word) => word !== 'help' && word !== '--help').join(' ');
    const run = await modelship(args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^Usage: modelship ${name} \\[options\\]\\n`));
    for (const option of ['--data-dir <dir>', '--port <n>', '--registry-port <n>', '--region <name>'])
      expect(run.stdout).toContain(option);
  });

  it('answers --help before checking the other options, so a broken command line still gets help', async () => {
    const run = await modelship(['local', 'up', '--port', 'eighty', '-h']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: modelship local up/);
  });

  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await modelship(['--version'])).toEqual({ code: 0, stdout: `modelship ${version}\n`, stderr: '' });
  });
});

describe('modelship command-line errors: stderr, exit 2, with the usage', () => {
  it.each([
    [['loacl'], "Unknown command 'loacl'. Did you mean 'local'?", 'Usage: modelship <command>'],
    [
      ['local', 'stat'],
      "Unknown command 'local stat'. Did you mean 'local status'?",
      'Usage: modelship local <command>'
    ],
    [['local', 'nope'], "Unknown command 'local nope'.\n", 'Usage: modelship local <command>'],
    [
      ['local'],
      'Missing command: one of up, down, status, env, reset, serve.',
      'Usage: modelship local <command>'
    ],
    [['--verison'], "Unknown option '--verison'. Did you mean --version?", 'Usage: modelship <command>'],
    [
      ['local', 'up', '--prot', '0'],
      "Unknown option '--prot'. Did you mean --port?",
      'Usage: modelship local up [options]'
    ],
    [
      ['local', 'status', '--data-dri', 'x'],
      "Unknown option '--data-dri'. Did you mean --data-dir?",
      'Usage: modelship local status [options]'
    ],
    [
      ['local', 'up', '--port', 'eighty'],
      "--port 'eighty' is not a port number",
      'Usage: modelship local up [options]'
    ]
  ])('modelship %j', async (args, message, usage) => {
    const run = await modelship(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`modelship: ${message}`);
    expect(run.stderr).toContain(usage);
    expect(run.stderr).toMatch(/Run 'modelship[a-z ]*--help' for more\./);
  });
});

describe('the command table', () => {
  const calls: string[][] = [];
  const table: CommandSpec[] = [
    { name: '', summary: 'root' },
    { name: 'local', summary: 'the local stack' },
    { name: 'local reset', summary: 'forget every resource', run: async (args) => (calls.push(args), 0) },
    {
      name: 'run',
      summary: 'run a workflow locally',
      synopsis: '<workflow> [options]',
      options: [{ name: 'job', value: '<id>', description: 'the job to run' }],
      run: async (args, io) => (io.print(`ran ${args.join(' ')}`), 4)
    }
  ];

  it('lets a new command join by adding a row: dispatch, its exit code, help and suggestions', async () => {
    expect(await modelship(['run', 'ci.yml', '--job', 'test'], table)).toEqual({
      code: 4,
      stdout: 'ran ci.yml --job test\n',
      stderr: ''
    });
    expect(await modelship(['local', 'reset', '--', '-h'], table)).toMatchObject({ code: 0 });
    expect(calls).toEqual([['--', '-h']]);

    const rootHelp = (await modelship(['--help'], table)).stdout;
    expect(rootHelp).toMatch(/^ {2}run +run a workflow locally$/m);
    const runHelp = (await modelship(['run', '--help'], table)).stdout;
    expect(runHelp).toMatch(/^Usage: modelship run <workflow> \[options\]\n\nRun a workflow locally\.\n/);
    expect(runHelp).toMatch(/^ {2}--job <id> +the job to run$/m);
    expect((await modelship(['local', 'rest'], table)).stderr).toContain("Did you mean 'local reset'?");
  });

  it('turns any other failure into one line on stderr and exit 1', async () => {
    const failing: CommandSpec[] = [
      { name: '', summary: 'root' },
      {
        name: 'boom',
        summary: 'fails',
        run: async () => {
          throw new Error('The local stack is not running.');
        }
      }
    ];
    expect(await modelship(['boom'], failing)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'modelship: The local stack is not running.\n'
    });
  });
});
