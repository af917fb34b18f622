import { runAction } from '../../lib/run-action.js';
import { run } from './main.js';

await runAction({ main: () => run() });
