/** Secrets and `::add-mask::` values, replaced by *** in everything the runner prints, as GitHub does. */
export class Masker {
  private readonly values = new Set<string>();
  /** The values longest first (a value containing another is replaced whole), sorted once per change. */
  private longestFirst: string[] = [];

  add(value: string): void {
    for (const part of [value, ...value.split(/\r?\n/)]) {
      if (part.trim().length > 0) this.values.add(part);
    }
    this.longestFirst = [...this.values].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let masked = text;
    for (const value of this.longestFirst) {
      if (masked.includes(value)) masked = masked.split(value).join('***');
    }
    return masked;
  }

  /** Whether a value would be masked (GitHub drops such values from job outputs). */
  hides(text: string): boolean {
    return [...this.values].some((value) => text.includes(value));
  }
}

export interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  message: string;
}

const unescapeData = (text: string) =>
  text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
const unescapeProperty = (text: string) => unescapeData(text).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

/** A `::name key=value,...::message` line, decoded as @actions/core encodes it; undefined for other lines. */
export function parseCommand(line: string): WorkflowCommand | undefined {
  const match = /^::([A-Za-z0-9_-]+)(?: ([^:]*))?::(.*)$/.exec(line.trimEnd());
  if (!match) return undefined;
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',')) {
    const equals = pair.indexOf('=');
    if (equals > 0) properties[pair.slice(0, equals).trim()] = unescapeProperty(pair.slice(equals + 1));
  }
  return { name: match[1] as string, properties, message: unescapeData(match[3] ?? '') };
}

/** What a step's output lines ask of the runner, besides being printed. */
export interface CommandEffects {
  outputs: Record<string, string>;
  state: Record<string, string>;
}

export type Annotation = { level: 'error' | 'warning' | 'notice'; message: string; where: string };

export interface StepOutputSink {
  /** A plain line for the log (already masked). */
  line: (text: string) => void;
  groupStart: (title: string) => void;
  groupEnd: () => void;
  annotation: (annotation: Annotation) => void;
  debug: (text: string) => void;
}

/**
 * Reads a step's output line by line: applies workflow commands (masks, groups, annotations, the deprecated
 * set-output and save-state, stop-commands) and hands every printable line, masked, to the sink.
 */
export class CommandProcessor {
  readonly effects: CommandEffects = { outputs: {}, state: {} };
  private stopToken: string | undefined;
  private pending = '';

  constructor(
    private readonly masker: Masker,
    private readonly sink: StepOutputSink
  ) {}

  write(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.handle(line.replace(/\r$/, ''));
  }

  end(): void {
    if (this.pending !== '') this.handle(this.pending);
    this.pending = '';
  }

  private handle(line: string): void {
    const command = parseCommand(line);
    if (this.stopToken !== undefined) {
      if (command?.name === this.stopToken) this.stopToken = undefined;
      else this.sink.line(this.masker.mask(line));
      return;
    }
    if (!command) {
      this.sink.line(this.masker.mask(line));
      return;
    }
    const { name, properties, message } = command;
    switch (name) {
      case 'add-mask':
        this.masker.add(message);
        return;
      case 'group':
        this.sink.groupStart(this.masker.mask(message));
        return;
      case 'endgroup':
        this.sink.groupEnd();
        return;
      case 'error':
      case 'warning':
      case 'notice': {
        const where = properties['file']
          ? `${properties['file']}${properties['line'] ? `:${properties['line']}` : ''}`
          : '';
        this.sink.annotation({ level: name, message: this.masker.mask(message), where });
        return;
      }
      case 'debug':
        this.sink.debug(this.masker.mask(message));
        return;
      case 'set-output':
        if (properties['name']) this.effects.outputs[properties['name']] = message;
        return;
      case 'save-state':
        if (properties['name']) this.effects.state[properties['name']] = message;
        return;
      case 'stop-commands':
        this.stopToken = message;
        return;
      case 'echo':
        return;
      default:
        this.sink.line(this.masker.mask(line));
    }
  }
}
