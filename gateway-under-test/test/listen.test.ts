import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { listen } from '../reference/listen.ts';

test('a port in use is said in words, with what to do, not as EADDRINUSE', async () => {
  const holder = createServer();
  const port = await listen(holder, '127.0.0.1', 0);
  try {
    await expect(listen(createServer(), '127.0.0.1', port)).rejects.toThrow(
      new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use; choose another or stop what holds it$`),
    );
  } finally {
    holder.close();
  }
});
