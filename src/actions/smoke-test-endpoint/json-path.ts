/**
 * The JSON path subset case files use: `$`, then any of `.name`, `['name']` / `["name"]` and `[index]`
 * (a negative index counts from the end), e.g. `$.predictions[0]` or `$['scores'][-1].label`.
 */
export type PathSegment = string | number;

export type PathLookup = { found: true; value: unknown } | { found: false; reason: string };

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses a path, or throws an Error saying where it stops making sense. */
export function parseJsonPath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw new Error(`'${path}' must start with '$'`);
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (!match) {
      throw new Error(`'${path}' is not a supported JSON path at '${rest}' (use .name, [index] or ['name'])`);
    }
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(match[0].length);
  }
  return segments;
}

export function lookupJsonPath(document: unknown, segments: readonly PathSegment[]): PathLookup {
  let current: unknown = document;
  let walked = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current))
        return { found: false, reason: `${walked} is ${describeType(current)}, not an array` };
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) {
        return { found: false, reason: `${walked} has ${current.length} item(s), no index ${segment}` };
      }
      current = current[index];
      walked += `[${segment}]`;
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) {
        return { found: false, reason: `${walked} is ${describeType(current)}, not an object` };
      }
      if (!Object.prototype.hasOwnProperty.call(current, segment)) {
        return { found: false, reason: `${walked} has no member '${segment}'` };
      }
      current = (current as Record<string, unknown>)[segment];
      walked += /^[A-Za-z_$][\w$-]*$/.test(segment) ? `.${segment}` : `['${segment}']`;
    }
  }
  return { found: true, value: current };
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
