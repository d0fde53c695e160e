// Entry of a render thread. Worker threads do not inherit tsx's loader, so it is registered here
// before the TypeScript body is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./render-thread.ts');
