/**
 * The request handler of every process-wide SDK client while a local runtime runs (installed
 * through functions/adapters/clients/transport.ts before any handler loads). It serves a request
 * for a service the runtime registered (DynamoDB, Step Functions, EventBridge, SES) by handing
 * it to that service's request listener in this process (in-memory-http.ts): the SDK still
 * serializes, signs and parses every request and the service still validates it, but no socket,
 * no HTTP parser and no connection pool is involved.
 *
 * Requests are routed by the service they are signed for (the SigV4 credential scope), not by
 * the endpoint the client was created with, so the clients of a process keep working from one
 * runtime to the next whatever ports each one's stand-ins listen on. With `mode: 'http'` the
 * request goes over HTTP to the registered endpoint instead; a request for anything else goes
 * over the network to its own endpoint, as with the SDK's default handler.
 */
import type { RequestListener } from 'node:http';
import { buildQueryString, type HttpHandler, HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import { exchange } from './in-memory-http.ts';

/** The services a local runtime serves, by the signing name of their requests. */
export type SigningName = 'dynamodb' | 'states' | 'events' | 'ses';

export interface LocalService {
  /** Its HTTP endpoint (what outside clients use, and the `http` mode). */
  endpoint: string;
  /** The request listener of its HTTP server. */
  listener: RequestListener;
}

export type TransportMode = 'in-process' | 'http';

/** `Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request` */
const CREDENTIAL_SCOPE = /Credential=[^/,\s]*\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/;

function header(request: HttpRequest, name: string): string | undefined {
  for (const key in request.headers) if (key.toLowerCase() === name) return request.headers[key];
  return undefined;
}

/** The body as bytes: the SDK's serializers give a string or bytes (a stream only for blobs). */
async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  return Buffer.from(String(body), 'utf8');
}

function abortError(signal: { reason?: unknown }): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** The answer, or the abort error if the caller gives up first (the listener finishes regardless). */
function untilAborted<T>(answer: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class LocalTransport implements HttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  /** Requests handled so far, by the way they went. */
  readonly served: Record<TransportMode | 'network', number> = { 'in-process': 0, http: 0, network: 0 };
  private services = new Map<string, LocalService>();
  private mode: TransportMode = 'in-process';
  private owner: symbol | undefined;
  private network: NodeHttpHandler | undefined;

  /**
   * Serves these services (in-process, or over their endpoints with `http`) until the returned
   * release is called. One runtime at a time: a runtime started later takes over.
   */
  serve(services: Partial<Record<SigningName, LocalService>>, mode: TransportMode): () => void {
    const owner = Symbol('local runtime');
    this.services = new Map(Object.entries(services).filter((e): e is [string, LocalService] => !!e[1]));
    this.mode = mode;
    this.owner = owner;
    return () => {
      if (this.owner !== owner) return;
      this.services = new Map();
      this.owner = undefined;
    };
  }

  /** The service a request is for: the one its signature is scoped to, if this process serves it. */
  serviceFor(request: HttpRequest): LocalService | undefined {
    if (this.services.size === 0) return undefined;
    const name = CREDENTIAL_SCOPE.exec(header(request, 'authorization') ?? '')?.[1];
    return name === undefined ? undefined : this.services.get(name);
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const service = this.serviceFor(request);
    if (!service) {
      this.served.network++;
      return this.overHttp().handle(request, options);
    }
    if (this.mode === 'http') {
      this.served.http++;
      const { protocol, hostname, port } = new URL(service.endpoint);
      const retargeted = new HttpRequest({ ...request, protocol, hostname, port: Number(port) || undefined });
      return this.overHttp().handle(retargeted, options);
    }
    return this.inProcess(service, request, options);
  }

  private async inProcess(
    service: LocalService,
    request: HttpRequest,
    { abortSignal }: HttpHandlerOptions,
  ): Promise<{ response: HttpResponse }> {
    this.served['in-process']++;
    if (abortSignal?.aborted) throw abortError(abortSignal as AbortSignal);
    const body = await bodyBytes(request.body);
    const headers: Record<string, string> = {};
    for (const key in request.headers) headers[key.toLowerCase()] = request.headers[key]!;
    headers['content-length'] ??= String(body.length);
    const query = request.query ? buildQueryString(request.query) : '';
    const answer = exchange(service.listener, {
      method: request.method,
      url: query ? `${request.path}?${query}` : request.path,
      headers,
      body,
    });
    const {
      statusCode,
      statusMessage,
      headers: responseHeaders,
      body: responseBody,
    } = abortSignal ? await untilAborted(answer, abortSignal as AbortSignal) : await answer;
    return {
      response: new HttpResponse({
        statusCode,
        reason: statusMessage,
        headers: responseHeaders,
        body: responseBody,
      }),
    };
  }

  private overHttp(): NodeHttpHandler {
    this.network ??= new NodeHttpHandler();
    return this.network;
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** Shared by every client in the process: one client's destroy() must not end it. */
  destroy(): void {}
}

/** The process's one transport (the SDK clients it is given to live as long as the process). */
export const localTransport = new LocalTransport();
