import * as core from '@actions/core';
import { readGitHubContext } from '../../lib/github-context.js';
import { readActionInput, type InputReader } from '../../lib/inputs.js';
import { actionLog } from '../../lib/log.js';
import { setOutputs, writeSummaryText } from '../../lib/summary.js';
import { CommentsApi } from './github-api.js';
import { Output, parseInputs } from './inputs.js';
import type { PreviewEvent } from './render.js';
import { readSmokeReport } from './sources.js';
import { upsertPreviewComment } from './sticky.js';

export interface RunOptions {
  read?: InputReader;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  now?: () => Date;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const inputs = parseInputs(options.read ?? readActionInput, readGitHubContext(env), env);
  core.setSecret(inputs.target.token);
  const event: PreviewEvent =
    inputs.status === 'torn-down'
      ? { kind: 'teardown', at: (options.now?.() ?? new Date()).toISOString() }
      : {
          kind: 'deployment',
          deployment: {
            ...inputs.deployment,
            ...(inputs.smokeReport !== undefined && { smoke: readSmokeReport(inputs.smokeReport) })
          }
        };
  const api = new CommentsApi(inputs.target, options.fetch);
  const { comment, created } = await upsertPreviewComment(api, event, actionLog);
  setOutputs({
    [Output.CommentId]: String(comment.id),
    [Output.CommentUrl]: comment.html_url ?? '',
    [Output.Created]: created
  });
  await writeSummaryText(
    `### Preview comment ${created ? 'posted' : 'updated'}\n${comment.html_url ?? `Comment ${comment.id}`} on pull request #${inputs.target.pullRequest}.\n`
  );
}
