/** Everything a build needs, already validated; paths are absolute. */
export interface BuildPlan {
  context: string;
  dockerfile: string;
  references: string[];
  buildArgs: Map<string, string>;
  labels: Map<string, string>;
  target?: string;
  cacheFrom: string[];
  cacheTo: string[];
  platforms: string[];
  pull: boolean;
  noCache: boolean;
  provenance: boolean;
  imageIdFile: string;
}

export type Builder = 'buildx' | 'classic';

export interface BuildCommand {
  args: string[];
  env: Record<string, string>;
  /** What the chosen builder cannot do with these inputs, said instead of silently dropped. */
  warnings: string[];
  /** False when the result cannot land in the local image store (a multi-platform buildx build). */
  loadsImage: boolean;
}

/** The exact `docker` arguments for a plan: a pure function, so every input's effect is testable. */
export function buildCommand(plan: BuildPlan, builder: Builder): BuildCommand {
  const warnings: string[] = [];
  let loadsImage = true;
  const args = builder === 'buildx' ? ['buildx', 'build'] : ['build'];
  args.push('--file', plan.dockerfile, '--iidfile', plan.imageIdFile);
  for (const reference of plan.references) args.push('--tag', reference);
  for (const [key, value] of plan.buildArgs) args.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of plan.labels) args.push('--label', `${key}=${value}`);
  if (plan.target) args.push('--target', plan.target);
  if (plan.pull) args.push('--pull');
  if (plan.noCache) args.push('--no-cache');
  for (const source of plan.cacheFrom) args.push('--cache-from', source);

  if (builder === 'buildx') {
    for (const destination of plan.cacheTo) args.push('--cache-to', destination);
    if (plan.platforms.length > 0) args.push('--platform', plan.platforms.join(','));
    // Provenance attestations turn the pushed manifest into an OCI index, which SageMaker refuses.
    args.push(`--provenance=${plan.provenance}`);
    if (plan.platforms.length <= 1) {
      args.push('--load');
    } else {
      loadsImage = false;
      warnings.push(
        `A multi-platform image (${plan.platforms.join(', ')}) cannot be loaded into the local image store: it stays in the build cache (export it with 'cache-to'), and later steps cannot push it. Build one platform for SageMaker.`
      );
    }
  } else {
    // Without it a failed step's container stays behind on the runner after every failed build.
    args.push('--force-rm');
    if (plan.platforms.length === 1) args.push('--platform', plan.platforms[0] as string);
    if (plan.platforms.length > 1) {
      warnings.push(
        `The classic builder builds one platform at a time; 'platforms' (${plan.platforms.join(', ')}) was ignored. Set up buildx (docker/setup-buildx-action) for multi-platform builds.`
      );
    }
    if (plan.cacheTo.length > 0) {
      warnings.push(
        "The classic builder cannot export a build cache; 'cache-to' was ignored. Set up buildx to use it."
      );
    }
    if (plan.provenance) {
      warnings.push("The classic builder does not create provenance attestations; 'provenance' was ignored.");
    }
  }
  args.push(plan.context);
  return { args, env: builder === 'classic' ? { DOCKER_BUILDKIT: '0' } : {}, warnings, loadsImage };
}
