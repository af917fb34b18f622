#!/usr/bin/env node
// The `modelship` command: the bundled CLI (src/cli, built into dist/cli by `npm run bundle cli`).
import '../dist/cli/index.js';
