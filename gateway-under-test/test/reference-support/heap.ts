import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `gc` without starting node with --expose-gc: the flag is set now and a fresh context picks it up.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after two full collections, in bytes: what stays reachable, not what is waiting to be freed. */
export function settledHeapBytes(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
