/**
 * A loopback endpoint speaking the AWS JSON protocols of the two services with no embeddable
 * stand-in: Step Functions (StartExecution, SendTaskSuccess/Failure/Heartbeat, DescribeExecution)
 * and EventBridge (PutEvents). The unchanged SDK adapters reach it through
 * AWS_ENDPOINT_URL_SFN / AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startLocalAwsEndpoint(
  operations: Record<string, AwsOperation>,
  options: { port?: number; host?: string } = {},
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
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
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
