// Entry point: `node bench/child/minimal-relay-main.ts PORT CONFIG.json` with CONFIG {"upstream": URL}.
//
// The least any Node gateway does per request: one upstream connection per client connection and the
// bytes copied both ways, with no HTTP parsing, routing or validation. It is not a gateway (it would
// relay anything); bench/node-floor.ts measures it to show how much of a Node gateway's cost is Node's
// own socket I/O.
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const upstream = new URL((JSON.parse(readFileSync(process.argv[3], 'utf8')) as { upstream: string }).upstream);
const server = createServer({ noDelay: true }, (client) => {
  const up = connect({ host: upstream.hostname, port: Number(upstream.port), noDelay: true });
  client.on('data', (chunk) => up.write(chunk));
  up.on('data', (chunk) => client.write(chunk));
  client.on('error', () => up.destroy());
  up.on('error', () => client.destroy());
  client.on('close', () => up.destroy());
  up.on('close', () => client.destroy());
});
server.listen(Number(process.argv[2]), '127.0.0.1');
const stop = () => process.exit(0);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
