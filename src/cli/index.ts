import { runCli } from './main.js';

const io = {
  script: process.argv[1] as string,
  print: (text: string) => console.log(text),
  error: (text: string) => console.error(text)
};
// Exits explicitly: idle keep-alive connections of fetch would otherwise hold `serve` open after it stopped.
process.exit(await runCli(process.argv.slice(2), io));
