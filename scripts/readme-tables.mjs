#!/usr/bin/env node
// Keeps the README's per-action input/output tables in step with actions/<name>/action.yml.
// The tables live between `<!-- action-table:<name> -->` and `<!-- /action-table:<name> -->` markers.
//   node scripts/readme-tables.mjs          rewrite the tables in README.md
//   node scripts/readme-tables.mjs --check  exit 1 when README.md is out of date
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;

export function renderTables(metadata) {
  const cell = (text) =>
    String(text ?? '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\|/g, '\\|')
      .trim();
  const lines = ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |'];
  for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
    const fallback = input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``;
    lines.push(
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${fallback} | ${cell(input.description)} |`
    );
  }
  lines.push('', '| Output | Description |', '| --- | --- |');
  for (const [name, output] of Object.entries(metadata.outputs ?? {})) {
    lines.push(`| \`${name}\` | ${cell(output.description)} |`);
  }
  return lines.join('\n');
}

export function updateReadme(readme, actionsDir) {
  let updated = readme;
  const missing = [];
  for (const name of readdirSync(actionsDir).sort()) {
    const file = join(actionsDir, name, 'action.yml');
    if (!existsSync(file)) continue;
    const start = `<!-- action-table:${name} -->`;
    const end = `<!-- /action-table:${name} -->`;
    const from = updated.indexOf(start);
    const to = updated.indexOf(end);
    if (from < 0 || to < from) {
      missing.push(name);
      continue;
    }
    const table = renderTables(parse(readFileSync(file, 'utf8')));
    updated = `${updated.slice(0, from + start.length)}\n${table}\n${updated.slice(to)}`;
  }
  return { updated, missing };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const { updated, missing } = updateReadme(readme, join(root, 'actions'));
  if (missing.length > 0) {
    console.error(`README.md has no table markers for: ${missing.join(', ')}`);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error("README.md's action tables differ from action.yml. Run: node scripts/readme-tables.mjs");
      process.exit(1);
    }
    console.log('README.md action tables match action.yml');
  } else {
    writeFileSync(readmePath, updated);
  }
}
