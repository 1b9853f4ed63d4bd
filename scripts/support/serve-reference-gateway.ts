/**
 * Child process for scripts that measure the gateway alone (its RSS without the load generator's):
 * `node scripts/support/serve-reference-gateway.ts '<config JSON>'`; prints `{"url":…}` on one line when listening.
 */
import { startReferenceGateway } from '../../gateway-under-test/index.ts';

const gateway = await startReferenceGateway(JSON.parse(process.argv[2] ?? '{}'));
console.log(JSON.stringify({ url: gateway.url, pid: process.pid }));
const stop = () => void gateway.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
