import { runDemo } from './main.js';

process.exitCode = await runDemo();
