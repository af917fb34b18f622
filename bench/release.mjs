// The release on the local stack, as `modelship run` runs the starter repository's workflows: a pull request
// opened (preview endpoint, PR comment) and closed (teardown), the merge's push to main through to
// production (build, image test, push, register, staging, approval, production), and the same push again
// when nothing changed.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/index.js');
const REPOSITORY = 'acme/diabetes-model';
const TOKEN = 'ghs_bench';

/** Runs the CLI without blocking this process, whose event loop serves the pull request's comments. */
function modelship(repo, args, env) {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repo, env: { ...process.env, ...env } });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`modelship ${args.join(' ')} failed (exit ${code}):\n${log}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

/** Just enough of GitHub's issue comments API for the preview workflow's sticky comment. */
async function commentsApi() {
  const comments = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const reply = (status, value) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (request.method === 'GET' && /\/issues\/\d+\/comments$/.test(path)) return reply(200, comments);
      if (request.method === 'POST' && /\/issues\/\d+\/comments$/.test(path)) {
        const comment = { id: comments.length + 1, body: JSON.parse(body).body, user: { login: 'bot' } };
        comments.push(comment);
        return reply(201, comment);
      }
      const one = /\/issues\/comments\/(\d+)$/.exec(path);
      if (request.method === 'PATCH' && one) {
        const comment = comments.find((candidate) => candidate.id === Number(one[1]));
        if (comment) comment.body = JSON.parse(body).body;
        return reply(comment ? 200 : 404, comment ?? { message: 'Not Found' });
      }
      if (request.method === 'GET' && /\/pulls\/\d+$/.test(path)) return reply(200, { state: 'open' });
      reply(404, { message: 'Not Found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

export async function benchRelease() {
  const repo = mkdtempSync(join(tmpdir(), 'modelship-bench-release-'));
  const api = await commentsApi();
  const env = { GITHUB_API_URL: api.url };
  try {
    cpSync(join(root, 'action-templates/model-repo'), repo, { recursive: true });
    const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
    git('add', '.');
    git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'bench');
    await modelship(repo, ['local', 'up', '--port', '0', '--registry-port', '0'], env);

    const head = git('rev-parse', 'HEAD').trim();
    const payload = (action) => {
      const path = join(repo, '.local-stack', `bench-pr-${action}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          action,
          number: 1,
          pull_request: {
            number: 1,
            head: { ref: 'feature', sha: head, repo: { full_name: REPOSITORY } },
            base: { ref: 'main', repo: { full_name: REPOSITORY } }
          },
          repository: { full_name: REPOSITORY, default_branch: 'main' }
        })
      );
      return path;
    };
    const pullRequest = (action) =>
      modelship(
        repo,
        [
          'run',
          'preview.yml',
          '--event',
          'pull_request',
          '--payload',
          payload(action),
          '--secret',
          'GITHUB_TOKEN'
        ],
        { ...env, GITHUB_TOKEN: TOKEN }
      );
    const opened = await pullRequest('opened');
    console.log(`pull request opened → preview endpoint, smoke test, PR comment: ${opened.toFixed(1)} s`);
    const closed = await pullRequest('closed');
    console.log(`pull request closed → preview torn down: ${closed.toFixed(1)} s`);
    const release = ['run', 'deploy.yml', '--approve', 'production'];
    const merged = await modelship(repo, release, env);
    console.log(
      `merged: push to main → production (build, image test, staging, approval, production): ${merged.toFixed(1)} s`
    );
    console.log(`the whole story, PR opened → production: ${(opened + closed + merged).toFixed(1)} s`);
    const again = await modelship(repo, release, env);
    console.log(`the same push again, nothing changed: ${again.toFixed(1)} s`);
  } finally {
    await modelship(repo, ['local', 'down'], env).catch(() => undefined);
    api.close();
    rmSync(repo, { recursive: true, force: true });
  }
}
