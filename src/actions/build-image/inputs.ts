import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '../../lib/errors.js';
import {
  getBoolean,
  getKeyValues,
  getList,
  getOptionalString,
  getString,
  type InputReader
} from '../../lib/inputs.js';
import { isValidRepository } from './references.js';
import { requireValidTags } from '../../lib/docker-tags.js';

export const Input = {
  Context: 'context',
  Dockerfile: 'dockerfile',
  Image: 'image',
  Tags: 'tags',
  BuildArgs: 'build-args',
  Labels: 'labels',
  Target: 'target',
  CacheFrom: 'cache-from',
  CacheTo: 'cache-to',
  Pull: 'pull',
  NoCache: 'no-cache',
  Platforms: 'platforms',
  Provenance: 'provenance'
} as const;

export const Output = {
  ImageId: 'image-id',
  Tags: 'tags',
  Image: 'image',
  Metadata: 'metadata'
} as const;

export interface BuildInputs {
  context: string;
  dockerfile: string;
  image: string;
  /** Empty: computed from the GitHub context. */
  tags: string[];
  buildArgs: Map<string, string>;
  labels: Map<string, string>;
  target?: string;
  cacheFrom: string[];
  cacheTo: string[];
  pull: boolean;
  noCache: boolean;
  platforms: string[];
  provenance: boolean;
}

/** Reads and validates every input; paths come back absolute and inside the workspace. */
export function parseInputs(read: InputReader, workspace: string): BuildInputs {
  const context = insideWorkspace(Input.Context, getString(read, Input.Context, { default: '.' }), workspace);
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError(
      Input.Context,
      `'${relative(workspace, context) || '.'}' is not a directory`,
      'Give the folder that holds the model and its Dockerfile.'
    );
  }
  const dockerfileInput = getOptionalString(read, Input.Dockerfile);
  const dockerfile = dockerfileInput
    ? insideWorkspace(Input.Dockerfile, dockerfileInput, workspace)
    : `${context}/Dockerfile`; // a template string: ncc would bundle a literal path.resolve() target as an asset
  if (!existsSync(dockerfile) || !statSync(dockerfile).isFile()) {
    throw new InputError(
      Input.Dockerfile,
      `no Dockerfile at '${relative(workspace, dockerfile)}'`,
      dockerfileInput
        ? 'Check the path (it is relative to the repository root).'
        : "Add a Dockerfile to the context, or set 'dockerfile' to its path."
    );
  }

  const image = getString(read, Input.Image, { required: true });
  if (!isValidRepository(image) || image.includes('@')) {
    throw new InputError(
      Input.Image,
      `'${image}' is not a valid image name`,
      "Use lowercase letters, digits and separators (. _ -), optionally prefixed by a registry host, without a tag, e.g. 'my-model' or 'ghcr.io/acme/my-model'."
    );
  }
  const tags = getList(read, Input.Tags);
  requireValidTags(tags, Input.Tags);
  const target = getOptionalString(read, Input.Target);
  return {
    context,
    dockerfile,
    image,
    tags,
    buildArgs: getKeyValues(read, Input.BuildArgs),
    labels: getKeyValues(read, Input.Labels),
    ...(target !== undefined && { target }),
    cacheFrom: getList(read, Input.CacheFrom, { commas: false }),
    cacheTo: getList(read, Input.CacheTo, { commas: false }),
    pull: getBoolean(read, Input.Pull, false),
    noCache: getBoolean(read, Input.NoCache, false),
    platforms: getList(read, Input.Platforms),
    provenance: getBoolean(read, Input.Provenance, false)
  };
}

function insideWorkspace(input: string, path: string, workspace: string): string {
  const absolute = resolve(workspace, path);
  const fromWorkspace = relative(workspace, absolute);
  if (fromWorkspace.startsWith('..') || isAbsolute(fromWorkspace)) {
    throw new InputError(
      input,
      `'${path}' is outside the workspace (${workspace})`,
      'Give a path inside the checked-out repository.'
    );
  }
  return absolute;
}
