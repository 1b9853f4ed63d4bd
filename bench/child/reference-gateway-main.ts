// Entry point: `node bench/child/reference-gateway-main.ts PORT CONFIG.json`. The reference
// gateway runs in its own process, like HAProxy and Apache do, not inside the benchmark driver.
import { readFileSync } from 'node:fs';
import { startReferenceGateway, type GatewayConfigInput } from '../../gateway-under-test/index.ts';

const config = JSON.parse(readFileSync(process.argv[3], 'utf8')) as GatewayConfigInput;
const gateway = await startReferenceGateway({ ...config, listen: { host: '127.0.0.1', port: Number(process.argv[2]) } });
const stop = () => void gateway.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
