/**
 * Invokes the real handler modules in-process, the way Lambda would: one module instance per
 * function (cold start once), a Lambda context per call, and work tracked on the clock.
 */
import { lambdaContext } from '../http/api-gateway-server.ts';
import type { VirtualClock } from './virtual-clock.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export class LambdaInvoker {
  private readonly modules = new Map<string, Promise<Handler>>();
  private readonly faults: Array<{ handler: string; match: (event: unknown) => boolean; remaining: number; error: () => Error }> = [];

  constructor(private readonly clock: VirtualClock) {}

  private load(name: string): Promise<Handler> {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Invalid handler name ${name}`);
    let mod = this.modules.get(name);
    if (!mod) {
      mod = import(`../../functions/handlers/${name}.ts`).then((m: { handler?: Handler }) => {
        if (typeof m.handler !== 'function') throw new Error(`functions/handlers/${name}.ts exports no handler`);
        return m.handler;
      });
      this.modules.set(name, mod);
    }
    return mod;
  }

  /**
   * Makes the next `times` matching invocations throw, as a crashed or throttled Lambda would,
   * so retry and error paths can be exercised against the real definition.
   */
  injectFault(handler: string, options: { times: number; match?: (event: unknown) => boolean; error?: () => Error }): void {
    this.faults.push({
      handler,
      match: options.match ?? (() => true),
      remaining: options.times,
      error: options.error ?? (() => Object.assign(new Error('Injected fault'), { name: 'InjectedFault' })),
    });
  }

  invoke(name: string, event: unknown): Promise<unknown> {
    return this.clock.track(async () => {
      const fault = this.faults.find((f) => f.handler === name && f.remaining > 0 && f.match(event));
      if (fault) {
        fault.remaining--;
        throw fault.error();
      }
      const handler = await this.load(name);
      return handler(event, lambdaContext(`leadflow-${name}`));
    });
  }
}
