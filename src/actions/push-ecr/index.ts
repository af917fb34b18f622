import { runAction } from '../../lib/run-action.js';
import { post, run } from './main.js';

await runAction({ main: run, post });
