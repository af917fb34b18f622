import * as core from '@actions/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput } from '../../lib/inputs.js';
import { actionLog } from '../../lib/log.js';
import { setOutputs, writeSummaryTable } from '../../lib/summary.js';
import { runBuild } from './build.js';
import { buildCommand, type BuildPlan } from './command.js';
import { creationTime } from './created.js';
import { inspectImage, probeDockerEngine } from './docker.js';
import { mergeLabels, ociLabels } from './labels.js';
import { defaultTags } from './tags.js';
import { Output, parseInputs } from './inputs.js';

export async function run(): Promise<void> {
  const github = readGitHubContext();
  const inputs = parseInputs(readActionInput, github.workspace);
  // Independent probes, run together: each costs a process start, and the step's overhead is benchmarked.
  const [engine, created] = await Promise.all([
    probeDockerEngine(),
    creationTime(process.env, github.workspace, github.sha)
  ]);
  const builder = engine.hasBuildx ? 'buildx' : 'classic';

  const tags = inputs.tags.length > 0 ? inputs.tags : defaultTags(github);
  const references = tags.map((tag) => `${inputs.image}:${tag}`);
  const labels = mergeLabels(ociLabels(github, inputs.image, tags[0] as string, created), inputs.labels);
  const workDir = mkdtempSync(join(process.env['RUNNER_TEMP'] || tmpdir(), 'build-image-'));
  const plan: BuildPlan = {
    context: inputs.context,
    dockerfile: inputs.dockerfile,
    references,
    buildArgs: inputs.buildArgs,
    labels,
    ...(inputs.target !== undefined && { target: inputs.target }),
    cacheFrom: inputs.cacheFrom,
    cacheTo: inputs.cacheTo,
    platforms: inputs.platforms,
    pull: inputs.pull,
    noCache: inputs.noCache,
    provenance: inputs.provenance,
    imageIdFile: join(workDir, 'image-id')
  };
  const command = buildCommand(plan, builder);
  for (const warning of command.warnings) core.warning(warning);

  try {
    const { imageId, buildSeconds } = await runBuild(
      command,
      `docker ${builder === 'buildx' ? 'buildx build' : 'build'} ${references[0]}`,
      plan.imageIdFile,
      actionLog
    );
    // A multi-platform result is not in the local image store, so it has no local size.
    const size = command.loadsImage ? (await inspectImage(imageId)).size : undefined;
    const metadata = {
      image: references[0],
      tags: references,
      labels: Object.fromEntries(labels),
      imageId,
      size: size ?? null,
      buildSeconds: Number(buildSeconds.toFixed(2)),
      builder
    };
    setOutputs({
      [Output.ImageId]: imageId,
      [Output.Tags]: references,
      [Output.Image]: references[0] as string,
      [Output.Metadata]: JSON.stringify(metadata)
    });
    core.info(
      `Built ${references.join(', ')} (${imageId}, ${formatSize(size)}) in ${buildSeconds.toFixed(1)} s.`
    );
    await writeSummaryTable(
      'build-image',
      ['Image', 'Tags', 'Size', 'Build time'],
      [[inputs.image, tags.join(', '), formatSize(size), `${buildSeconds.toFixed(1)} s`]]
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return 'not loaded';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
