// Entry point: `node bench/child/echo-upstream-main.ts PORT`. The benchmark runs the upstream in
// its own process so it never shares an event loop with a Node gateway under test.
import { startEchoUpstream } from '../../suites/harness/echo-upstream.ts';

const upstream = await startEchoUpstream({ port: Number(process.argv[2]), record: false });
const stop = () => void upstream.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
