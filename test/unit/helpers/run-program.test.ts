import { runProgram, runProgramOrThrow } from '../../helpers/local-stack.js';

// More than a socket buffer holds, so part of it is still unwritten when the child has exited.
const LARGE_INPUT = 'x'.repeat(4 * 1024 * 1024);
const EXITS_AT_ONCE = ['-c', 'echo "no such image" >&2; exit 3'];

describe('runProgram', () => {
  it("reports a child that exits without reading its input by the child's exit code and stderr", async () => {
    const run = await runProgram('sh', EXITS_AT_ONCE, { input: LARGE_INPUT });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no such image');
    expect(run.stderr).toContain('its standard input was not read: write EPIPE');
  });

  it('gives a program that reads its input all of it', async () => {
    const run = await runProgram('wc', ['-c'], { input: LARGE_INPUT });
    expect(run).toEqual({ code: 0, stdout: `${LARGE_INPUT.length}\n`, stderr: '' });
  });

  it('gives a program without input an empty standard input', async () => {
    expect(await runProgram('cat', [])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('runProgramOrThrow', () => {
  it('throws with the command, its exit code and stderr', async () => {
    await expect(runProgramOrThrow('sh', EXITS_AT_ONCE, { input: LARGE_INPUT })).rejects.toThrow(
      /^sh -c echo .* exited with code 3:\nno such image/
    );
  });

  it('resolves with the output of a program that succeeds', async () => {
    expect((await runProgramOrThrow('echo', ['pushed'])).stdout).toBe('pushed\n');
  });
});
