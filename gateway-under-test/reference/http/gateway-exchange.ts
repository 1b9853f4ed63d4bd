import type { IncomingMessage } from 'node:http';

/** A request as the gateway sees it, from the fast front or from node:http. */
export interface GatewayRequest {
  method: string;
  url: string;
  /** Name, value, name, value… as received: duplicates stay visible (catalogue A05). */
  rawHeaders: string[];
  remoteAddress: string;
  /** The request body stream; null when the request has none (always, on the fast front). */
  body: IncomingMessage | null;
}

/** What the gateway needs of a response: node:http's ServerResponse satisfies it, as does the fast front's. */
export interface GatewayResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  writeHead(status: number, headers: string[] | Record<string, string>): unknown;
  /** False when the client is not keeping up: wait for 'drain'. */
  write(chunk: Buffer): boolean;
  end(body?: string): unknown;
  destroy(error?: Error): unknown;
  setHeader(name: string, value: string): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}
