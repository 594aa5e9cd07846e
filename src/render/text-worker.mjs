// Worker thread entry, plain JS: worker threads do not inherit a TypeScript loader, so it registers
// tsx itself and then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./text-worker-main.ts');
