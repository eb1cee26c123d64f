/**
 * Counts the TCP client sockets this process opens (node's `net.client.socket` channel: every
 * `net.connect`, whoever calls it, the SDK's HTTP handler included) while `run` runs.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export async function socketsOpenedDuring(run: () => Promise<unknown>): Promise<number> {
  let opened = 0;
  const count = () => {
    opened++;
  };
  subscribe('net.client.socket', count);
  try {
    await run();
  } finally {
    unsubscribe('net.client.socket', count);
  }
  return opened;
}
