import { runCli } from './main.js';

// Exits explicitly: idle keep-alive connections of fetch would otherwise hold `serve` open after it stopped.
process.exit(await runCli(process.argv.slice(2), process.argv[1] as string));
