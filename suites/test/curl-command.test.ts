import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerForTests } from '../../gateway-under-test/index.ts';
import { startEchoUpstream, type EchoUpstream } from '../harness/echo-upstream.ts';
import { curlCommand } from '../report/curl-command.ts';

// curl is a peer like the gateways: with GATECHECK_REQUIRE_PEERS=1 a missing one fails instead of skipping.
const curl = peerForTests('curl', { hint: 'apt-get install curl' });

describe('curl reproduction line', () => {
  let upstream: EchoUpstream;
  beforeAll(async () => {
    upstream = await startEchoUpstream();
  });
  afterAll(() => upstream.close());

  it('keeps the raw path, header order, duplicates and quotes, and drops gatecheck bookkeeping', () => {
    const line = curlCommand({
      method: 'GET',
      url: 'http://127.0.0.1:1/api/../orders?a=1',
      headers: [['authorization', "Bearer it's"], ['authorization', 'Bearer two'], ['x-gatecheck-request-id', 'abc']],
    });
    expect(line).toBe(`curl -sS -i --path-as-is -X GET -H 'authorization: Bearer it'\\''s' -H 'authorization: Bearer two' 'http://127.0.0.1:1/api/../orders?a=1'`);
  });

  it('writes control characters as $\'…\' escapes instead of raw bytes', () => {
    expect(curlCommand({ method: 'POST', url: 'http://x/', headers: [], body: "a\r\nb'" })).toContain(`--data-binary $'a\\x0d\\x0ab\\''`);
  });

  it('replays byte for byte when run through bash: same method, path, headers and body reach the server', async (ctx) => {
    ctx.skip(curl.skipReason !== undefined, curl.skipReason);
    const line = curlCommand({
      method: 'POST',
      url: `${upstream.url}/api/./orders?x=1`,
      headers: [['authorization', 'Bearer a.b.c'], ['x-note', "quote ' and $HOME"], ['content-type', 'text/plain']],
      body: 'hello',
    });
    // Async: the echo upstream answering curl lives in this very process.
    await promisify(execFile)('bash', ['-c', `${line} -o /dev/null`], { timeout: 10_000 });
    const [seen] = upstream.received();
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/api/./orders?x=1');
    expect(seen.headers['x-note']).toBe("quote ' and $HOME");
    expect(seen.headers.authorization).toBe('Bearer a.b.c');
    expect(seen.headers['content-length']).toBe('5');
  });

  it('replays a raw request byte for byte through bash: two pipelined requests and a quote inside them', async () => {
    const raw = 'GET /raw-one HTTP/1.1\r\nHost: x\r\nX-Quote: it\'s\r\n\r\nGET /raw-two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const line = curlCommand({ method: 'GET', url: `${upstream.url}/raw-one`, headers: [], raw });
    expect(line).toMatch(/^bash -c 'exec 3<>\/dev\/tcp\/127\.0\.0\.1\/\d+; /);
    await promisify(execFile)('bash', ['-c', line], { timeout: 10_000 });
    const seen = upstream.received().filter((r) => r.path.startsWith('/raw-'));
    expect(seen.map((r) => [r.path, r.headers['x-quote']])).toEqual([['/raw-one', "it's"], ['/raw-two', undefined]]);
  });
});

