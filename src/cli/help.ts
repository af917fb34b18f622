import type { OptionSpec } from './options.js';
import { UsageError } from './options.js';
import { didYouMean } from './suggest.js';

/** Where a command writes: stdout, stderr, and the CLI's own entry file (to start itself again). */
export interface CliIo {
  script: string;
  print(text: string): void;
  error(text: string): void;
}

/**
 * One row of the command table. A command joins the CLI by adding its row: its help, its place in its
 * group's list and the suggestions for a mistyped name all come from here.
 */
export interface CommandSpec {
  /** The words that name it after `modelship`, e.g. 'local up'; '' is modelship itself. */
  name: string;
  /** One line, shown in its group's list of commands. */
  summary: string;
  /** What follows the name in the usage line; default '[options]' (with options) or nothing. */
  synopsis?: string;
  /** Shown under the usage line instead of the summary. */
  description?: string;
  options?: readonly OptionSpec[];
  /** Runs it with the arguments after its name; a command without `run` is a group of subcommands. */
  run?: (args: string[], io: CliIo) => Promise<number>;
}

const HELP_OPTION: OptionSpec = { name: 'help', description: 'show this help' };

/** The direct subcommands of a group. */
export function subcommands(group: CommandSpec, commands: readonly CommandSpec[]): CommandSpec[] {
  return commands.filter((command) => command.name !== group.name && parentName(command.name) === group.name);
}

function parentName(name: string): string {
  return name.includes(' ') ? name.slice(0, name.lastIndexOf(' ')) : '';
}

/**
 * The deepest command the leading words name, and the arguments after them: for `local up --port 0`,
 * the `local up` row and `--port 0`. A group's first remaining argument, if any, named none of its rows.
 */
export function findCommand(
  args: string[],
  commands: readonly CommandSpec[]
): { command: CommandSpec; rest: string[] } {
  let command = root(commands);
  let used = 0;
  for (const word of args) {
    const child = command.run
      ? undefined
      : subcommands(command, commands).find((candidate) => lastWord(candidate.name) === word);
    if (!child) break;
    command = child;
    used++;
  }
  return { command, rest: args.slice(used) };
}

/** The error for a word that names none of a group's subcommands, with the closest ones. */
export function unknownCommand(
  group: CommandSpec,
  word: string,
  commands: readonly CommandSpec[]
): UsageError {
  const prefix = group.name === '' ? '' : `${group.name} `;
  const names = subcommands(group, commands).map((child) => lastWord(child.name));
  const suggestion = didYouMean(word, names, (name) => `'${prefix}${name}'`);
  return new UsageError(`Unknown command '${prefix}${word}'.${suggestion}`);
}

export function root(commands: readonly CommandSpec[]): CommandSpec {
  const found = commands.find((command) => command.name === '');
  if (!found) throw new Error('The command table has no root row.');
  return found;
}

export function lastWord(name: string): string {
  return name.slice(name.lastIndexOf(' ') + 1);
}

/** `Usage: modelship local up [options]` */
export function usageLine(command: CommandSpec, commands: readonly CommandSpec[]): string {
  const group = !command.run && subcommands(command, commands).length > 0;
  const options = command.options?.length ? '[options]' : '';
  const synopsis = command.synopsis ?? (group ? `<command> ${options}` : options).trim();
  return ['Usage:', 'modelship', command.name, synopsis].filter((part) => part !== '').join(' ');
}

/** The full help of a command: usage, description, its subcommands and its options. */
export function formatHelp(command: CommandSpec, commands: readonly CommandSpec[]): string {
  const summary = `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`;
  const sections = [usageLine(command, commands), command.description ?? summary];
  const children = subcommands(command, commands);
  if (children.length > 0) {
    sections.push(`Commands:\n${columns(children.map((child) => [lastWord(child.name), child.summary]))}`);
  }
  const options = [...(command.options ?? []), HELP_OPTION];
  sections.push(
    `Options:\n${columns(
      options.map((option) => [
        `${option === HELP_OPTION ? '-h, ' : ''}--${option.name}${option.value ? ` ${option.value}` : ''}`,
        option.repeatable ? `${option.description} (repeatable)` : option.description
      ])
    )}`
  );
  if (children.length > 0) {
    const prefix = command.name === '' ? '' : `${command.name} `;
    sections.push(`Run 'modelship ${prefix}<command> --help' for a command's options.`);
  }
  return sections.join('\n\n');
}

function columns(rows: string[][]): string {
  const width = Math.max(...rows.map(([left]) => (left ?? '').length)) + 3;
  return rows.map(([left = '', right = '']) => `  ${left.padEnd(width)}${right}`).join('\n');
}
