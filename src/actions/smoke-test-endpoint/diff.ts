import { diffLines } from 'diff';

/**
 * A line diff of two texts (pretty-printed JSON), `-` for expected lines the answer lacks and `+` for
 * answer lines not expected, with `context` unchanged lines around each change and `…` for the rest.
 */
export function lineDiff(expected: string, actual: string, context = 2): string {
  const lines = diffLines(expected, actual).flatMap((change) =>
    change.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text) => ({ mark: change.added ? '+' : change.removed ? '-' : ' ', text }))
  );
  const near = (index: number) =>
    lines.slice(Math.max(0, index - context), index + context + 1).some((line) => line.mark !== ' ');
  const shown: string[] = [];
  lines.forEach((line, index) => {
    if (near(index)) shown.push(`${line.mark} ${line.text}`);
    else if (shown[shown.length - 1] !== '  …') shown.push('  …');
  });
  return shown.join('\n');
}
