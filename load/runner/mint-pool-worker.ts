import { constants, sign, type KeyObject } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

export interface PoolSlice {
  start: number;
  end: number;
  /** base64url of the protected header, shared by every token. */
  headerSegment: string;
  /** The payload JSON split around the unique value. */
  payloadPrefix: string;
  payloadSuffix: string;
  uniquePrefix: string;
  alg: string;
  key: KeyObject;
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * One worker's share of the pool. node:crypto `sign` with a KeyObject is a thin call into OpenSSL,
 * which is the point: the benchmark compares against `openssl speed`, and jose's extra layers (key
 * import checks, promises per token) cost a noticeable share at 100,000 signatures.
 */
function mintSlice(slice: PoolSlice): string[] {
  const hash = HASH[slice.alg.slice(2)];
  const pss = slice.alg.startsWith('PS');
  const options = pss ? { key: slice.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(slice.alg.slice(2)) / 8 } : slice.key;
  const tokens = new Array<string>(slice.end - slice.start);
  for (let i = slice.start; i < slice.end; i++) {
    const payload = `${slice.payloadPrefix}"${slice.uniquePrefix}${i.toString(36)}"${slice.payloadSuffix}`;
    const input = `${slice.headerSegment}.${Buffer.from(payload).toString('base64url')}`;
    tokens[i - slice.start] = `${input}.${sign(hash, Buffer.from(input), options).toString('base64url')}`;
    if ((i - slice.start) % 2000 === 1999) parentPort!.postMessage({ progress: 2000 });
  }
  return tokens;
}

if (parentPort && workerData) {
  const tokens = mintSlice(workerData as PoolSlice);
  parentPort.postMessage({ tokens });
}
