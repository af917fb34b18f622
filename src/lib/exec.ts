import * as exec from '@actions/exec';
import { ActionError } from './errors.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to the program's standard input (how secrets are passed, never as arguments). */
  stdin?: string;
  /** When true the program's output is captured but not echoed to the log. */
  silent?: boolean;
  /** Called with each chunk of combined output as it arrives. */
  onOutput?: (chunk: string) => void;
}

/**
 * Runs a program with an argument array: no shell is involved, so input values can never be
 * interpreted as shell syntax. A non-zero exit is returned, not thrown; callers decide what it means.
 */
export async function runCommand(
  program: string,
  args: readonly string[],
  options: CommandOptions = {}
): Promise<CommandResult> {
  const onOutput = options.onOutput;
  try {
    const result = await exec.getExecOutput(program, [...args], {
      ignoreReturnCode: true,
      silent: options.silent ?? false,
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.env !== undefined && { env: { ...stringEnv(process.env), ...options.env } }),
      ...(options.stdin !== undefined && { input: Buffer.from(options.stdin) }),
      ...(onOutput && {
        listeners: {
          stdout: (data: Buffer) => onOutput(data.toString()),
          stderr: (data: Buffer) => onOutput(data.toString())
        }
      })
    });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    if (error instanceof Error && /Unable to locate executable file/.test(error.message)) {
      throw new ActionError(`'${program}' was not found on PATH.`, `Install ${program} on the runner first.`);
    }
    throw error;
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}
