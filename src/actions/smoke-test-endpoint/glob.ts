import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Expands glob patterns (`*`, `**`, `?`, `[abc]`, `{a,b}`) relative to `root` into the sorted paths of the
 * files they match, relative to `root` with forward slashes. Node 20 has no fs.glob, and the action only
 * needs to find a handful of case files.
 */
export function expandGlobs(patterns: readonly string[], root: string): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
    const matcher = globToRegExp(normalized);
    const base = staticPrefix(normalized);
    for (const file of walk(join(root, base))) {
      const path = relative(root, file).split(sep).join('/');
      if (matcher.test(path)) found.add(path);
    }
  }
  return [...found].sort();
}

/** The leading directories of a pattern that hold no wildcard: the only place its matches can be. */
function staticPrefix(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?[{]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') yield* walk(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let braces = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*') {
      if (pattern[index + 1] === '*') {
        const slashFollows = pattern[index + 2] === '/';
        source += slashFollows ? '(?:[^/]*/)*' : '.*';
        index += slashFollows ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = pattern.indexOf(']', index + 1);
      if (close === -1) {
        source += '\\[';
      } else {
        source += `[${pattern
          .slice(index + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        index = close;
      }
    } else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) {
      source += '|';
    } else {
      source += char.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}
