import { runCommand, RUN_USAGE } from '../../../src/cli/run.js';
import { UsageError } from '../../../src/cli/options.js';

describe('modelship run (command line)', () => {
  it('prints its usage for --help', async () => {
    const printed: string[] = [];
    expect(await runCommand(['--help'], 'cli.js', (text) => printed.push(text))).toBe(0);
    expect(printed.join('\n')).toBe(RUN_USAGE);
    expect(RUN_USAGE).toContain('modelship run WORKFLOW');
  });

  it.each([
    [[], /Give one workflow file/],
    [['deploy.yml', '--event', 'release'], /--event 'release' is not one of push, pull_request/],
    [['deploy.yml', '--target', 'gcp'], /--target 'gcp' must be local or aws/],
    [['deploy.yml', '--input', 'novalue'], /--input 'novalue' must be NAME=VALUE/],
    [['deploy.yml', '--bogus'], /Unknown option '--bogus'/]
  ])('refuses %j as a usage error', async (args, message) => {
    const run = runCommand(args as string[], 'cli.js', () => undefined);
    await expect(run).rejects.toThrow(UsageError);
    await expect(runCommand(args as string[], 'cli.js', () => undefined)).rejects.toThrow(message);
  });

  it('names a workflow file it cannot find', async () => {
    await expect(runCommand(['nope.yml', '--target', 'aws'], 'cli.js', () => undefined)).rejects.toThrow(
      /Cannot read the workflow nope\.yml: no such file \(nor \.github\/workflows\/nope\.yml\)/
    );
  });
});
