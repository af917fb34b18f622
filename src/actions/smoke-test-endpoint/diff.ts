/**
 * A line diff of two texts (pretty-printed JSON), `-` for expected lines the answer lacks and `+` for
 * answer lines not expected, with unchanged lines as context. LCS over lines: case values are small.
 */
export function lineDiff(expected: string, actual: string, context = 2): string {
  const left = expected.split('\n');
  const right = actual.split('\n');
  const lengths: number[][] = Array.from({ length: left.length + 1 }, () =>
    new Array<number>(right.length + 1).fill(0)
  );
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      lengths[i]![j] =
        left[i] === right[j]
          ? lengths[i + 1]![j + 1]! + 1
          : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i < left.length && j < right.length && left[i] === right[j]) {
      lines.push({ mark: ' ', text: left[i++]! });
      j++;
    } else if (i < left.length && (j === right.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      lines.push({ mark: '-', text: left[i++]! });
    } else {
      lines.push({ mark: '+', text: right[j++]! });
    }
  }
  const near = (index: number) =>
    lines.slice(Math.max(0, index - context), index + context + 1).some((line) => line.mark !== ' ');
  const shown: string[] = [];
  lines.forEach((line, index) => {
    if (near(index)) shown.push(`${line.mark} ${line.text}`);
    else if (shown[shown.length - 1] !== '  …') shown.push('  …');
  });
  return shown.join('\n');
}
