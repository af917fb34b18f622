import { COMMANDS } from './commands.js';
import {
  findCommand,
  formatHelp,
  lastWord,
  root,
  subcommands,
  unknownCommand,
  usageLine,
  type CliIo,
  type CommandSpec
} from './help.js';
import { parseCommandLine, UsageError } from './options.js';
import { VERSION } from './version.js';

/**
 * Runs `modelship <args>` and resolves with its exit code: help and --version on stdout with 0, a
 * command line to fix on stderr with 2, a failure on stderr with 1 (or the command's own code).
 */
export async function runCli(
  args: string[],
  io: CliIo,
  commands: readonly CommandSpec[] = COMMANDS
): Promise<number> {
  let command = root(commands);
  try {
    // `modelship help local up` is `modelship local up --help`.
    const asked = args[0] === 'help' ? [...args.slice(1), '--help'] : args;
    const found = findCommand(asked, commands);
    command = found.command;
    const rest = found.rest;
    const word = rest[0];
    if (!command.run && word !== undefined && !word.startsWith('-')) {
      throw unknownCommand(command, word, commands);
    }
    const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (options.includes('--help') || options.includes('-h') || args.length === 0) {
      io.print(formatHelp(command, commands));
      return 0;
    }
    if (command.run) return await command.run(rest, io);
    const { values } = parseCommandLine(rest, command.options ?? []);
    if (values['version'] === true) {
      io.print(`modelship ${VERSION}`);
      return 0;
    }
    const names = subcommands(command, commands).map((child) => lastWord(child.name));
    throw new UsageError(`Missing command: one of ${names.join(', ')}.`);
  } catch (error) {
    if (error instanceof UsageError) {
      const prefix = command.name === '' ? '' : ` ${command.name}`;
      io.error(
        `modelship: ${error.message}\n\n${usageLine(command, commands)}\n` +
          `Run 'modelship${prefix} --help' for more.`
      );
      return 2;
    }
    io.error(`modelship: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
