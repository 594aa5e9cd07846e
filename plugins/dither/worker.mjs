// Worker thread entry, plain JS: it registers tsx itself, so it runs whatever loader the parent had.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
