import { globSync } from 'tinyglobby';

/**
 * The files under `root` that the patterns match (`*`, `**`, `?`, `[abc]`, `{a,b}`; a pattern starting with
 * `!` excludes what it matches), sorted, relative to `root` with forward slashes.
 */
export function expandGlobs(patterns: readonly string[], root: string): string[] {
  const normalized = patterns.map((pattern) => pattern.replace(/\\/g, '/').replace(/^(!?)\.\//, '$1'));
  return globSync(normalized, {
    cwd: root,
    onlyFiles: true,
    dot: true,
    expandDirectories: false,
    ignore: ['**/.git/**', '**/node_modules/**']
  }).sort();
}
