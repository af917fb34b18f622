import { runDemo } from './main.js';

process.exitCode = runDemo();
