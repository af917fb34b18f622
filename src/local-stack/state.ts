import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Persists each service's state as one JSON document in the data directory, so a deployment survives
 * `modelship local down` / `up`. Writes go to a temporary file first and are renamed into place, so a
 * crash never leaves half a document.
 */
export class StateStore {
  private readonly documents = new Map<string, unknown>();

  constructor(readonly dataDir: string) {
    mkdirSync(join(dataDir, 'state'), { recursive: true });
  }

  /** The live document for `name`, loaded from disk the first time or created from `initial`. */
  document<T>(name: string, initial: () => T): T {
    const existing = this.documents.get(name);
    if (existing !== undefined) return existing as T;
    let loaded: T;
    try {
      loaded = JSON.parse(readFileSync(this.pathOf(name), 'utf8'), reviveDates) as T;
    } catch {
      loaded = initial();
    }
    this.documents.set(name, loaded);
    return loaded;
  }

  save(name: string): void {
    const document = this.documents.get(name);
    if (document === undefined) return;
    const path = this.pathOf(name);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(document, null, 1));
    renameSync(temporary, path);
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
