/**
 * Invokes the real handler modules in-process, the way Lambda would: one module instance per
 * function (cold start once), a Lambda context per call, and work tracked on the clock.
 */
import { lambdaContext } from '../http/api-gateway-server.ts';
import type { VirtualClock } from './virtual-clock.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface Interceptor {
  match?: (event: unknown) => boolean;
  before?: () => Promise<void>;
  fail?: () => Error;
}

export class LambdaInvoker {
  private readonly modules = new Map<string, Promise<Handler>>();
  private readonly interceptors: Array<Interceptor & { handler: string; remaining: number }> = [];

  private static runtimes = 0;
  private readonly runtimeId = ++LambdaInvoker.runtimes;

  constructor(private readonly clock: VirtualClock) {}

  private load(name: string): Promise<Handler> {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Invalid handler name ${name}`);
    let mod = this.modules.get(name);
    if (!mod) {
      // Each runtime gets its own instance of every handler module, as each deployed function has
      // its own cold start: module-level state (the unit config a handler read at init) never
      // leaks from one runtime into the next one started in the same process.
      const url = new URL(`../../functions/handlers/${name}.ts`, import.meta.url);
      url.searchParams.set('runtime', String(this.runtimeId));
      mod = import(/* @vite-ignore */ url.href).then((m: { handler?: Handler }) => {
        if (typeof m.handler !== 'function')
          throw new Error(`functions/handlers/${name}.ts exports no handler`);
        return m.handler;
      });
      this.modules.set(name, mod);
    }
    return mod;
  }

  /**
   * Test and benchmark hook: for the next `times` matching invocations, run `before` first
   * (to land an event in a precise window) and/or throw `fail()` as a crashed Lambda would,
   * so races, retries and error paths are exercised against the real definition.
   */
  intercept(handler: string, interceptor: Interceptor & { times: number }): void {
    this.interceptors.push({ ...interceptor, handler, remaining: interceptor.times });
  }

  /** Loads handler modules ahead of the first request (the local runtime has no cold starts to show). */
  async warm(names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.load(name)));
  }

  invoke(name: string, event: unknown): Promise<unknown> {
    return this.clock.track(async () => {
      const hit = this.interceptors.find(
        (i) => i.handler === name && i.remaining > 0 && (i.match?.(event) ?? true),
      );
      if (hit) {
        hit.remaining--;
        await hit.before?.();
        if (hit.fail) throw hit.fail();
      }
      const handler = await this.load(name);
      return handler(event, lambdaContext(`leadflow-${name}`));
    });
  }
}
