import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Persists each service's state as one JSON document in the data directory, so a deployment survives
 * `modelship local down` / `up`. Writes go to a temporary file first and are renamed into place, so a
 * crash never leaves half a document.
 */
export class StateStore {
  private readonly documents = new Map<string, unknown>();
  private readonly initials = new Map<string, () => unknown>();

  constructor(readonly dataDir: string) {
    mkdirSync(join(dataDir, 'state'), { recursive: true });
  }

  /** The live document for `name`, loaded from disk the first time or created from `initial`. */
  document<T>(name: string, initial: () => T): T {
    const existing = this.documents.get(name);
    if (existing !== undefined) return existing as T;
    const loaded = this.load<T>(name) ?? initial();
    this.documents.set(name, loaded);
    this.initials.set(name, initial);
    return loaded;
  }

  /**
   * Empties every document but those in `keep` (`modelship local reset`). Live documents are emptied in
   * place, so services holding them see the empty state; documents not loaded yet lose their files.
   */
  reset(keep: readonly string[] = []): void {
    for (const [name, document] of this.documents) {
      if (keep.includes(name)) continue;
      const live = document as Record<string, unknown>;
      for (const key of Object.keys(live)) delete live[key];
      Object.assign(live, this.initials.get(name)?.());
      this.save(name);
    }
    for (const file of readdirSync(join(this.dataDir, 'state'))) {
      const name = file.replace(/\.json$/, '');
      if (file.endsWith('.json') && !this.documents.has(name) && !keep.includes(name)) {
        rmSync(join(this.dataDir, 'state', file), { force: true });
      }
    }
  }

  save(name: string): void {
    const document = this.documents.get(name);
    if (document === undefined) return;
    const path = this.pathOf(name);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(document, null, 1));
    renameSync(temporary, path);
  }

  /**
   * The stored document, or undefined when there is none yet. A document that cannot be read is an
   * error, not an empty state: starting afresh would overwrite it on the next save.
   */
  private load<T>(name: string): T | undefined {
    const path = this.pathOf(name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text, reviveDates) as T;
    } catch (error) {
      throw new Error(
        `The local stack's state file ${path} is not valid JSON (${(error as Error).message}). ` +
          `Repair it, or move it away to start that service's state afresh.`
      );
    }
  }

  private pathOf(name: string): string {
    return join(this.dataDir, 'state', `${name}.json`);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Dates are stored as ISO strings; turning them back into Date keeps the wire serializers correct. */
function reviveDates(_key: string, value: unknown): unknown {
  return typeof value === 'string' && ISO_DATE.test(value) ? new Date(value) : value;
}
