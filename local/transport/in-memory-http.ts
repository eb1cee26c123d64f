/**
 * One HTTP exchange with a server's request listener, without a socket: the request arrives as
 * a real `http.IncomingMessage` (over a stand-in socket, its body already pushed and ended), and
 * the listener answers into a minimal `ServerResponse` that collects the status, headers and
 * body. Whatever the listener does with them (dynalite's validation, express's routing and body
 * parsing in aws-ses-v2-local, the local Step Functions/EventBridge endpoint) runs unchanged.
 *
 * express replaces the prototype of the request and response it is given with its own (built
 * on http's), so everything a listener calls on the response is an own property here, and the
 * state a prototype getter would compute (`headersSent`, `writableEnded`…) is own data.
 */
import { EventEmitter } from 'node:events';
import { IncomingMessage, type RequestListener, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export interface InMemoryRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface InMemoryResponse {
  statusCode: number;
  statusMessage: string;
  /** Lower-case names; repeated headers joined with ', ' (as node's http client does). */
  headers: Record<string, string>;
  body: Buffer;
}

/** What an IncomingMessage, body-parser and on-finished look at on a socket: open, local, idle. */
class StandInSocket extends EventEmitter {
  readable = true;
  writable = true;
  destroyed = false;
  encrypted = false;
  readonly readableHighWaterMark = 64 * 1024;
  readonly writableLength = 0;
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;

  resume(): this {
    return this;
  }

  pause(): this {
    return this;
  }

  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    this.readable = this.writable = false;
    return this;
  }
}

function incomingMessage(socket: Socket, request: InMemoryRequest): IncomingMessage {
  const req = new IncomingMessage(socket);
  req.method = request.method;
  req.url = request.url;
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = request.headers;
  req.rawHeaders = Object.entries(request.headers).flat();
  if (request.body.length > 0) req.push(request.body);
  req.push(null);
  // As node's parser does once the message is complete, before the stream ends.
  req.complete = true;
  return req;
}

type HeaderValue = number | string | readonly string[];

function collect(chunks: Buffer[], chunk: unknown, encoding: unknown): void {
  if (chunk === undefined || chunk === null) return;
  if (typeof chunk === 'string') {
    chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  } else if (chunk instanceof Uint8Array) {
    // A copy, as a socket write would take: the listener may reuse its buffer.
    chunks.push(Buffer.from(chunk));
  } else {
    throw new TypeError('The response chunk must be a string, Buffer or Uint8Array');
  }
}

function wireHeaders(fields: Map<string, { value: HeaderValue }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, { value }] of fields)
    headers[key] = Array.isArray(value) ? value.join(', ') : String(value);
  return headers;
}

const RESPONSE_METHODS = [
  'setHeader',
  'appendHeader',
  'getHeader',
  'getHeaders',
  'getHeaderNames',
  'hasHeader',
  'removeHeader',
  'writeHead',
  'write',
  'end',
  'flushHeaders',
  'setTimeout',
  'cork',
  'uncork',
  'writeContinue',
  'addTrailers',
  'destroy',
] as const;

/**
 * The part of ServerResponse listeners use, collecting what they write. Only own properties
 * are used once a listener runs (see above): no private methods.
 */
class CollectingResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  finished = false;
  writableEnded = false;
  writableFinished = false;
  writable = true;
  sendDate = false;
  chunkedEncoding = false;
  shouldKeepAlive = true;
  connection: Socket;
  readonly fields = new Map<string, { name: string; value: HeaderValue }>();
  readonly chunks: Buffer[] = [];

  constructor(
    readonly req: IncomingMessage,
    readonly socket: Socket,
    private readonly settle: (response: InMemoryResponse | Error) => void,
  ) {
    super();
    this.connection = socket;
    const self = this as unknown as Record<string, unknown>;
    const proto = CollectingResponse.prototype as unknown as Record<string, unknown>;
    for (const method of RESPONSE_METHODS) self[method] = proto[method];
  }

  setHeader(name: string, value: HeaderValue): this {
    this.fields.set(name.toLowerCase(), { name, value });
    return this;
  }

  appendHeader(name: string, value: HeaderValue): this {
    const previous = this.fields.get(name.toLowerCase())?.value;
    if (previous === undefined) return this.setHeader(name, value);
    const list = (v: HeaderValue) => (Array.isArray(v) ? v : [String(v)]);
    return this.setHeader(name, [...list(previous), ...list(value)]);
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.fields.get(name.toLowerCase())?.value;
  }

  getHeaders(): Record<string, HeaderValue> {
    return Object.fromEntries([...this.fields].map(([key, { value }]) => [key, value]));
  }

  getHeaderNames(): string[] {
    return [...this.fields.keys()];
  }

  hasHeader(name: string): boolean {
    return this.fields.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.fields.delete(name.toLowerCase());
  }

  writeHead(
    statusCode: number,
    reason?: string | Record<string, HeaderValue> | HeaderValue[],
    headers?: Record<string, HeaderValue> | HeaderValue[],
  ): this {
    this.statusCode = statusCode;
    if (typeof reason === 'string') this.statusMessage = reason;
    else headers = reason;
    if (Array.isArray(headers)) {
      // [name, value, name, value…] or [[name, value]…]
      const flat = (headers as unknown[]).flat() as string[];
      for (let i = 0; i + 1 < flat.length; i += 2) this.appendHeader(flat[i]!, flat[i + 1]!);
    } else if (headers) for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    this.headersSent = true;
    return this;
  }

  write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    collect(this.chunks, chunk, encoding);
    this.headersSent = true;
    const done = [encoding, callback].find((a) => typeof a === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  }

  end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (this.finished) return this;
    if (typeof chunk === 'function') callback = chunk;
    else collect(this.chunks, chunk, encoding);
    if (typeof encoding === 'function') callback = encoding;
    this.headersSent = true;
    this.finished = this.writableEnded = this.writableFinished = true;
    this.writable = false;
    this.settle({
      statusCode: this.statusCode,
      statusMessage: this.statusMessage || STATUS_CODES[this.statusCode] || '',
      headers: wireHeaders(this.fields),
      body: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks),
    });
    process.nextTick(() => {
      this.emit('finish');
      (callback as (() => void) | undefined)?.();
      this.emit('close');
    });
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  setTimeout(): this {
    return this;
  }

  cork(): void {}
  uncork(): void {}
  writeContinue(): void {}
  addTrailers(): void {}

  destroy(error?: Error): this {
    if (!this.finished) {
      this.finished = this.writableEnded = true;
      this.settle(error ?? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      process.nextTick(() => this.emit('close'));
    }
    return this;
  }
}

/** Hands `request` to `listener` as its HTTP server would, and resolves with the answer it writes. */
export function exchange(listener: RequestListener, request: InMemoryRequest): Promise<InMemoryResponse> {
  return new Promise((resolve, reject) => {
    const socket = new StandInSocket() as unknown as Socket;
    const req = incomingMessage(socket, request);
    const res = new CollectingResponse(req, socket, (answer) =>
      answer instanceof Error ? reject(answer) : resolve(answer),
    );
    try {
      listener(req, res as unknown as ServerResponse);
    } catch (error) {
      reject(error);
    }
  });
}
