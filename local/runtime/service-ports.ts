/**
 * Where `npm start` serves its AWS-compatible endpoints: on ports next to the API's, so an
 * integrator's AWS CLI or SDK settings stay the same across restarts (`--port 3000` gives
 * EventBridge and Step Functions on 3001, DynamoDB on 3002, SES on 3003).
 */
export interface ServicePorts {
  /** The Step Functions and EventBridge endpoint (one endpoint speaks both). */
  aws: number;
  dynamodb: number;
  ses: number;
}

export function servicePortsFor(apiPort: number): ServicePorts {
  if (!Number.isInteger(apiPort) || apiPort < 1 || apiPort > 65_532)
    throw new Error(
      `--port must be a port from 1 to 65532 (the next three serve AWS endpoints), not ${apiPort}`,
    );
  return { aws: apiPort + 1, dynamodb: apiPort + 2, ses: apiPort + 3 };
}

export interface AwsEndpoints {
  eventbridge: string;
  sfn: string;
  dynamodb: string;
  ses: string;
}

/** The lines the startup banner prints: paste them into a shell, and the AWS CLI talks to this runtime. */
export function awsEndpointVariables(endpoints: AwsEndpoints): string[] {
  return [
    `AWS_ENDPOINT_URL_EVENTBRIDGE=${endpoints.eventbridge}`,
    `AWS_ENDPOINT_URL_SFN=${endpoints.sfn}`,
    `AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb}`,
    `AWS_ENDPOINT_URL_SES=${endpoints.ses}`,
  ];
}
