/**
 * The unit's optional outbound webhook (`events.webhook`): an EventBridge rule on the unit's bus
 * sends the chosen Leadflow events (source `leadflow`) to a CRM URL through an API destination.
 * Its connection adds the auth header from a Secrets Manager secret the team creates before the
 * deploy; EventBridge keeps the value, no function ever reads it. Deliveries are retried for a
 * day and then parked in the bus's target dead-letter queue (npm run redrive lists them).
 */
import { Duration, SecretValue } from 'aws-cdk-lib';
import {
  ApiDestination,
  Authorization,
  Connection,
  HttpMethod,
  type IEventBus,
  Rule,
} from 'aws-cdk-lib/aws-events';
import { ApiDestination as ApiDestinationTarget } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { EVENT_SOURCE } from '../../workflows/event-routes.ts';

export interface OutboundWebhookProps {
  webhook: NonNullable<BusinessUnitConfig['events']['webhook']>;
  unit: string;
  bus: IEventBus;
  deadLetterQueue: IQueue;
}

export class OutboundWebhook extends Construct {
  readonly connection: Connection;
  readonly destination: ApiDestination;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: OutboundWebhookProps) {
    super(scope, id);
    const { webhook, unit } = props;
    this.connection = new Connection(this, 'Connection', {
      description: `Leadflow ${unit} webhook: the CRM's auth header`,
      authorization: Authorization.apiKey(
        webhook.auth.header,
        SecretValue.secretsManager(webhook.auth.secretName),
      ),
    });
    this.destination = new ApiDestination(this, 'Destination', {
      connection: this.connection,
      endpoint: webhook.url,
      httpMethod: HttpMethod.POST,
      rateLimitPerSecond: webhook.rateLimitPerSecond,
      description: `Leadflow ${unit} lifecycle events for the CRM`,
    });
    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: `Push ${webhook.detailTypes.join(', ')} to the unit's webhook`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...webhook.detailTypes] },
    });
    this.rule.addTarget(
      new ApiDestinationTarget(this.destination, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
