/**
 * The one process-wide setting the SDK clients take from outside: the HTTP handler they send
 * requests with. On AWS nothing sets it and every client uses the SDK's default (node:http). The
 * local runtime sets one before any handler loads (local/transport/local-transport.ts), which
 * serves each request by calling the embedded service in this process: the SDK still
 * serializes, signs and parses every request, only the socket is gone.
 */
import type { HttpHandler } from '@smithy/core/protocols';

let requestHandler: HttpHandler | undefined;

/** Every SDK client created from now on sends its requests through `handler` (undefined: the SDK default). */
export function useRequestHandler(handler: HttpHandler | undefined): void {
  requestHandler = handler;
}

/** What a client factory passes to its constructor: the request handler, when one is set. */
export function transportOptions(): { requestHandler?: HttpHandler } {
  return requestHandler ? { requestHandler } : {};
}
