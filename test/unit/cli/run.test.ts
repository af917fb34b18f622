import { runCli } from '../../../src/cli/main.js';
import { runCommand } from '../../../src/cli/run.js';
import { UsageError } from '../../../src/cli/options.js';

describe('modelship run (command line)', () => {
  it('prints its usage for --help', async () => {
    const printed: string[] = [];
    const io = { script: 'cli.js', print: (text: string) => void printed.push(text), error: () => undefined };
    expect(await runCli(['run', '--help'], io)).toBe(0);
    const help = printed.join('\n');
    expect(help).toContain('Usage: modelship run WORKFLOW [options]');
    for (const flag of ['--event', '--payload', '--secret', '--approve', '--target', '--action-dir']) {
      expect(help).toContain(flag);
    }
    expect(help).toMatch(/--approve <environment> +approve the jobs .* \(repeatable\)/);
  });

  it('takes a repeatable option several times, as the one option table declares', async () => {
    await expect(
      runCommand(
        [
          'nope.yml',
          '--target',
          'aws',
          '--secret',
          'A=1',
          '--secret',
          'B=2',
          '--approve',
          'x',
          '--approve',
          'y'
        ],
        'cli.js',
        () => undefined
      )
    ).rejects.toThrow(/Cannot read the workflow nope\.yml/);
  });

  it.each([
    [[], /Give one workflow file/],
    [['deploy.yml', '--event', 'release'], /--event 'release' is not one of push, pull_request/],
    [['deploy.yml', '--target', 'gcp'], /--target 'gcp' must be local or aws/],
    [['deploy.yml', '--input', 'novalue'], /--input 'novalue' must be NAME=VALUE/],
    [['deploy.yml', '--bogus'], /Unknown option '--bogus'/],
    [['deploy.yml', '--secrets', 'A=1'], /Unknown option '--secrets'\. Did you mean --secret\?/]
  ])('refuses %j as a usage error', async (args, message) => {
    const run = runCommand(args, 'cli.js', () => undefined);
    await expect(run).rejects.toThrow(UsageError);
    await expect(runCommand(args, 'cli.js', () => undefined)).rejects.toThrow(message);
  });

  it('names a workflow file it cannot find', async () => {
    await expect(runCommand(['nope.yml', '--target', 'aws'], 'cli.js', () => undefined)).rejects.toThrow(
      /Cannot read the workflow nope\.yml: no such file \(nor \.github\/workflows\/nope\.yml\)/
    );
  });
});
