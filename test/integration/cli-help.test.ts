import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/action-runner.js';

// The installed command (bin/modelship.js → dist/cli), as a user runs it: streams and exit codes.
const BIN = join(PROJECT_ROOT, 'bin', 'modelship.js');

async function modelship(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the modelship command', () => {
  it.each([
    [['--help'], 'Usage: modelship <command> [options]'],
    [['local', '--help'], 'Usage: modelship local <command>'],
    [['local', 'up', '--help'], 'Usage: modelship local up [options]'],
    [['local', 'serve', '-h'], 'Usage: modelship local serve [options]']
  ])('modelship %j prints its help on stdout and exits 0', async (args, usage) => {
    const run = await modelship(...args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.startsWith(`${usage}\n`)).toBe(true);
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await modelship('--version')).toEqual({ code: 0, stdout: `modelship ${version}\n`, stderr: '' });
  });

  it('refuses a mistyped option on stderr with exit 2 and the closest option', async () => {
    const run = await modelship('local', 'up', '--prot', '0');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("modelship: Unknown option '--prot'. Did you mean --port?");
    expect(run.stderr).toContain('Usage: modelship local up [options]');
  });

  it('refuses a mistyped command with the closest one', async () => {
    const run = await modelship('local', 'stauts');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown command 'local stauts'. Did you mean 'local status'?");
  });
});
