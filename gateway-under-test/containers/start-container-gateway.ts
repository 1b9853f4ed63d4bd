import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import { freePort } from '../process/free-port.ts';
import { ContainerUnavailableError } from './container-unavailable-error.ts';

export interface ContainerGatewaySpec {
  image: string;
  /** Files copied into the container before it starts. */
  files: { content: string; target: string }[];
  env?: Record<string, string>;
  command?: string[];
  /** Builds the files for the port the gateway will listen on (host networking). */
}

export interface RunningContainerGateway {
  url: string;
  port: number;
  logs(): string[];
  stop(): Promise<void>;
}

/** Why no container can run here, or undefined when a Docker engine answers. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (e) {
    return `no Docker engine: ${(e as Error).message.split('\n')[0]}`;
  }
}

/**
 * Starts a gateway image with host networking, so it reaches the mock IdP and the echo upstream on
 * the host's 127.0.0.1 and nothing leaves loopback. `build(port)` gives the files for its port.
 */
export async function startContainerGateway(build: (port: number) => ContainerGatewaySpec): Promise<RunningContainerGateway> {
  const reason = await dockerUnavailableReason();
  if (reason) throw new ContainerUnavailableError(reason);
  const port = await freePort();
  const spec = build(port);
  const lines: string[] = [];
  let container = new GenericContainer(spec.image).withNetworkMode('host').withCopyContentToContainer(spec.files).withWaitStrategy(Wait.forListeningPorts());
  if (spec.env) container = container.withEnvironment(spec.env);
  if (spec.command) container = container.withCommand(spec.command);
  const started = await container.withLogConsumer((stream) => stream.on('data', (d: Buffer | string) => lines.push(...String(d).split('\n').filter(Boolean)))).start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs: () => lines.slice(-200),
    stop: async () => {
      await started.stop({ timeout: 5_000 });
    },
  };
}
