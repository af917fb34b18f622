import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInputs } from '../../../../src/actions/build-image/inputs.js';

const workspace = mkdtempSync(join(tmpdir(), 'ws-'));
mkdirSync(join(workspace, 'model'));
writeFileSync(join(workspace, 'model', 'Dockerfile'), 'FROM scratch\n');
mkdirSync(join(workspace, 'empty'));

const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('build-image inputs', () => {
  it('resolves the context and its Dockerfile inside the workspace', () => {
    const inputs = parseInputs(
      read({ context: 'model', image: 'my-model', tags: 'v1, latest', 'build-args': 'A=1' }),
      workspace
    );
    expect(inputs.context).toBe(join(workspace, 'model'));
    expect(inputs.dockerfile).toBe(join(workspace, 'model', 'Dockerfile'));
    expect(inputs.tags).toEqual(['v1', 'latest']);
    expect(inputs.buildArgs.get('A')).toBe('1');
    expect(inputs.provenance).toBe(false);
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'context outside the workspace',
      { context: '../elsewhere', image: 'm' },
      "Input 'context': '../elsewhere' is outside the workspace"
    ],
    [
      'missing Dockerfile',
      { context: 'empty', image: 'm' },
      "Input 'dockerfile': no Dockerfile at 'empty/Dockerfile'"
    ],
    [
      'Dockerfile that is a directory',
      { context: 'model', image: 'm', dockerfile: 'empty' },
      "Input 'dockerfile': no Dockerfile at 'empty'"
    ],
    ['missing image', { context: 'model' }, "Input 'image': is required"],
    [
      'image with a tag',
      { context: 'model', image: 'm:v1' },
      "Input 'image': 'm:v1' is not a valid image name"
    ],
    [
      'invalid tag',
      { context: 'model', image: 'm', tags: 'ok\nnot ok' },
      "Input 'tags': 'not ok' is not a valid tag"
    ],
    [
      'malformed build-args',
      { context: 'model', image: 'm', 'build-args': 'JUSTAKEY' },
      "Input 'build-args': line 1 ('JUSTAKEY') is not a KEY=VALUE pair"
    ],
    [
      'not a boolean',
      { context: 'model', image: 'm', 'no-cache': 'sometimes' },
      "Input 'no-cache': 'sometimes' is not a boolean"
    ]
  ])('rejects %s', (_name, values, message) => {
    expect(() => parseInputs(read(values), workspace)).toThrow(message);
  });
});
