/**
 * A loopback endpoint speaking the AWS JSON protocols of the two services with no embeddable
 * stand-in: Step Functions (StartExecution, SendTaskSuccess/Failure/Heartbeat, DescribeExecution)
 * and EventBridge (PutEvents). The unchanged SDK adapters reach it through
 * AWS_ENDPOINT_URL_SFN / AWS_ENDPOINT_URL_EVENTBRIDGE: in-process through its request listener
 * (local/transport/), or over HTTP like any outside client.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type AwsOperation = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The endpoint's request handling: the operation named by `x-amz-target`, answered in the request's protocol. */
export function localAwsRequestListener(operations: Record<string, AwsOperation>): RequestListener {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const protocol = String(req.headers['content-type'] ?? 'application/x-amz-json-1.0');
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': protocol });
      res.end(JSON.stringify(body));
    };
    const operation = operations[target];
    if (!operation)
      return send(400, { __type: 'UnknownOperationException', message: `Unsupported operation ${target}` });
    try {
      send(200, await operation(await readJson(req)));
    } catch (error) {
      if (error instanceof AwsServiceError)
        return send(error.status, { __type: error.type, message: error.message });
      console.error(`[local-aws] ${target} failed`, error);
      send(500, { __type: 'InternalFailure', message: (error as Error).message });
    }
  };
}

export async function startLocalAwsEndpoint(
  operations: Record<string, AwsOperation>,
  options: { port?: number; host?: string } = {},
): Promise<{ endpoint: string; listener: RequestListener; close(): Promise<void> }> {
  const listener = localAwsRequestListener(operations);
  const server = createServer(listener);
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    listener,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
