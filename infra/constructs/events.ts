/**
 * The unit's EventBridge bus, its archive, and one rule per row of `EVENT_ROUTES`
 * (workflows/event-routes.ts): the routing table lives there, not here.
 */
import { Duration } from 'aws-cdk-lib';
import { type Archive, type CfnRule, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { addToDeadLetterQueueResourcePolicy, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  EVENT_ROUTES,
  EVENT_SOURCE,
  type EventRoute,
  isLambdaRoute,
  isStreamRoute,
  type RouteTarget,
  type StreamTarget,
} from '../../workflows/event-routes.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';
import type { LeadflowFunction } from './leadflow-function.ts';

/** CloudFormation metadata key on each AWS::Events::Rule naming its EVENT_ROUTES row. */
export const ROUTE_METADATA_KEY = 'leadflow:route';

const routeTargetId = (target: RouteTarget | StreamTarget): string =>
  target.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

/** Leadflow's own source plus every source a route listens to. */
export function archivedSources(routes: readonly EventRoute[] = EVENT_ROUTES): string[] {
  return [...new Set([EVENT_SOURCE, ...routes.flatMap((r) => r.sources)])];
}

export interface LeadflowEventsProps {
  config: BusinessUnitConfig;
  /** @default 30 days */
  archiveRetention?: Duration;
}

export class LeadflowEvents extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  /** Where events land that a target could not take after all retries. */
  readonly deadLetterQueue: Queue;
  /** Every dead-letter queue, named for alarms: the rule targets' and each target function's. */
  readonly deadLetterQueues: Array<{ name: string; queue: Queue }> = [];
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: LeadflowEventsProps) {
    super(scope, id);
    const unit = props.config.name;
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: unitResourceNames(unit).eventBus,
      description: `Leadflow lead events for ${props.config.displayName}`,
    });
    // Replayable history of every lead event (own and inbound), for recovery after a bad deploy.
    this.archive = this.bus.archive('Archive', {
      description: `Leadflow ${unit} events`,
      eventPattern: { source: archivedSources() },
      retention: props.archiveRetention ?? Duration.days(30),
    });
    this.deadLetterQueue = createDeadLetterQueue(
      this,
      'TargetDlq',
      'events EventBridge could not deliver to a rule target after its retries',
    );
    this.deadLetterQueues.push({ name: 'event-targets', queue: this.deadLetterQueue });
  }

  /**
   * One rule per route (construct id = route id), each invoking its target with retries and the
   * target DLQ. EventBridge invokes Lambda asynchronously: its DLQ only covers delivery, so each
   * target function also sends what still fails after Lambda's own retries to a queue of its own.
   */
  routeTo(
    targets: Record<RouteTarget, LeadflowFunction>,
    allRoutes: readonly EventRoute[] = EVENT_ROUTES,
  ): void {
    const routes = allRoutes.filter(isLambdaRoute);
    for (const target of new Set(routes.map((r) => r.target))) {
      const queue = createDeadLetterQueue(
        this,
        `${routeTargetId(target)}AsyncFailures`,
        `${target} invocations that failed after Lambda's retries`,
      );
      targets[target].sendAsyncFailuresTo(queue);
      this.deadLetterQueues.push({ name: `${target}-async`, queue });
    }
    for (const route of routes) {
      const rule = new Rule(this, route.id, {
        eventBus: this.bus,
        description: route.description,
        eventPattern: { source: [...route.sources], detailType: [...route.detailTypes] },
      });
      rule.addTarget(
        new LambdaFunction(targets[route.target], {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      );
      (rule.node.defaultChild as CfnRule).addMetadata(ROUTE_METADATA_KEY, route.id);
      this.rules.push(rule);
    }
  }

  /**
   * One rule per Firehose route, putting each matched event on its delivery stream (as
   * EventBridge delivers it to any target) with retries and the target DLQ. The rule assumes a
   * role of its own that may put records on that stream only.
   */
  streamTo(
    streams: Record<StreamTarget, CfnDeliveryStream>,
    allRoutes: readonly EventRoute[] = EVENT_ROUTES,
  ): void {
    for (const route of allRoutes.filter(isStreamRoute)) {
      const stream = streams[route.target];
      const role = new Role(this, `${route.id}Role`, {
        assumedBy: new ServicePrincipal('events.amazonaws.com'),
        description: `EventBridge putting ${route.id} events on ${route.target}`,
      });
      role.addToPolicy(
        new PolicyStatement({
          actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [stream.attrArn],
        }),
      );
      const rule = new Rule(this, route.id, {
        eventBus: this.bus,
        description: route.description,
        eventPattern: { source: [...route.sources], detailType: [...route.detailTypes] },
      });
      const deadLetterQueue = this.deadLetterQueue;
      rule.addTarget({
        bind: (boundRule) => {
          addToDeadLetterQueueResourcePolicy(boundRule, deadLetterQueue);
          return {
            id: routeTargetId(route.target),
            arn: stream.attrArn,
            role,
            retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: Duration.hours(6).toSeconds() },
            deadLetterConfig: { arn: deadLetterQueue.queueArn },
          };
        },
      });
      (rule.node.defaultChild as CfnRule).addMetadata(ROUTE_METADATA_KEY, route.id);
      this.rules.push(rule);
    }
  }
}
