import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Persists each service's state as one JSON document in the data directory, so a deployment survives
 * `modelship local down` / `up`. Every document is read when the store opens, so a corrupt one stops
 * the start (naming the file) instead of failing each request later; writes are atomic (see
 * writeFileAtomically), so a crash never leaves half a document.
 */
export class StateStore {
  private readonly documents: Map<string, unknown>;
  private readonly initials = new Map<string, () => unknown>();

  constructor(readonly dataDir: string) {
    mkdirSync(stateDir(dataDir), { recursive: true });
    this.documents = readStateDocuments(dataDir);
  }

  /** The live document for `name`, as loaded at the start or created from `initial`. */
  document<T>(name: string, initial: () => T): T {
    this.initials.set(name, initial);
    const existing = this.documents.get(name);
    if (existing !== undefined) return existing as T;
    const created = initial();
    this.documents.set(name, created);
    return created;
  }

  save(name: string): void {
    const document = this.documents.get(name);
    if (document === undefined) return;
    writeFileAtomically(join(stateDir(this.dataDir), `${name}.json`), JSON.stringify(document, null, 1));
  }

  /**
   * Empties every document but those in `keep` (`modelship local reset`). Documents a service uses are
   * emptied in place, so the service sees the empty state; the others are removed with their files.
   */
  reset(keep: readonly string[] = []): void {
    for (const [name, document] of [...this.documents]) {
      if (keep.includes(name)) continue;
      const initial = this.initials.get(name);
      if (!initial) {
        this.documents.delete(name);
        rmSync(join(stateDir(this.dataDir), `${name}.json`), { force: true });
        continue;
      }
      const live = document as Record<string, unknown>;
      for (const key of Object.keys(live)) delete live[key];
      Object.assign(live, initial());
      this.save(name);
    }
  }
}

/** State a start cannot use: each file named with what is wrong with it, and how to go on. */
export class CorruptStateError extends Error {
  constructor(readonly files: { path: string; problem: string }[]) {
    super(
      files.map(({ path, problem }) => `The local stack's state file ${path} ${problem}.`).join('\n') +
        `\nThe local stack was not started. Restore the file from a backup, or move it away to start ` +
        `that service's state afresh (its resources are forgotten):\n` +
        files.map(({ path }) => `  mv '${path}' '${path}.corrupt'`).join('\n')
    );
    this.name = 'CorruptStateError';
  }
}

/**
 * Every state document of the data directory, by name; throws CorruptStateError naming each file that
 * is not a JSON object. Temporary files of writes a crash interrupted are removed: the document they
 * would have replaced is still whole.
 */
export function readStateDocuments(dataDir: string): Map<string, unknown> {
  const documents = new Map<string, unknown>();
  const corrupt: { path: string; problem: string }[] = [];
  let names: string[];
  try {
    names = readdirSync(stateDir(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return documents;
    throw error;
  }
  for (const name of names.sort()) {
    const path = join(stateDir(dataDir), name);
    if (name.endsWith('.tmp')) {
      rmSync(path, { force: true });
      continue;
    }
    if (!name.endsWith('.json')) continue;
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(path, 'utf8'), reviveDates);
    } catch (error) {
      corrupt.push({ path, problem: `is not valid JSON (${(error as Error).message})` });
      continue;
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      corrupt.push({ path, problem: 'does not hold a JSON object' });
      continue;
    }
    documents.set(name.slice(0, -'.json'.length), document);
  }
  if (corrupt.length > 0) throw new CorruptStateError(corrupt);
  return documents;
}

/**
 * Replaces `path` with `text` so that a crash at any moment leaves either the old file or the new one:
 * written to a temporary file in the same directory, flushed to disk, then renamed over the old.
 */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = openSync(temporary, 'w');
  try {
    writeSync(file, text);
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
  renameSync(temporary, path);
}

function stateDir(dataDir: string): string {
  return join(dataDir, 'state');
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Dates are stored as ISO strings; turning them back into Date keeps the wire serializers correct. */
function reviveDates(_key: string, value: unknown): unknown {
  return typeof value === 'string' && ISO_DATE.test(value) ? new Date(value) : value;
}
