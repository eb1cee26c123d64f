/**
 * The house Lambda construct: every Leadflow function is a `LeadflowFunction`, so runtime,
 * bundling, logging and the baked-in unit config are the same everywhere.
 */
import { join } from 'node:path';
import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { ENV } from '../../functions/runtime/env.ts';
import { acknowledgeWildcardResources } from '../nag.ts';
import { REPO_ROOT } from '../paths.ts';
import { createLogGroup } from './log-group.ts';

/** Lambda entry modules: `functions/handlers/<name>.ts`, each exporting `handler`. */
export const HANDLER_NAMES = [
  'capture-lead',
  'get-lead',
  'start-lifecycle',
  'lifecycle-step',
  'complete-wait',
  'lead-actions',
  'ses-feedback',
  'inbound-events',
  'reports',
  'rep-api',
  'ops-api',
  'record-metrics',
  'scorecard-mail',
  'board',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** CloudFormation metadata key on each AWS::Lambda::Function naming its handler module. */
export const HANDLER_METADATA_KEY = 'leadflow:handler';
/** The build-time constant holding the validated unit config (JSON) inside each bundle. */
export const UNIT_CONFIG_DEFINE = 'process.env.LEADFLOW_UNIT_CONFIG';
export const POWERTOOLS_SERVICE_NAME = 'leadflow';

export { ENV };

export function handlerEntry(name: HandlerName): string {
  return join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`);
}

/** esbuild options shared by every function; the unit config is inlined as a string constant. */
export function leadflowBundling(config: BusinessUnitConfig): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    minify: true,
    sourceMap: true,
    // Stack traces need the mappings only. With NODE_OPTIONS=--enable-source-maps every cold
    // start reads and parses the whole map, and the sources would make it three times larger.
    sourcesContent: false,
    mainFields: ['module', 'main'],
    // Bundle the SDK: a pinned, tree-shaken client initialises faster than the runtime's copy
    // and behaves exactly as tested here.
    bundleAwsSDK: true,
    // Except the SSM client (220 KB, read once and only by units whose Turnstile secret is in
    // SSM): the Lambda runtime's own SDK serves that lazy import, keeping every cold start lean.
    externalModules: ['@aws-sdk/client-ssm'],
    // Bundled CommonJS dependencies may still call require(); ESM has none, so provide one.
    banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    define: { [UNIT_CONFIG_DEFINE]: JSON.stringify(JSON.stringify(config)) },
  };
}

/** The DynamoDB data-plane actions a Leadflow function may be granted (see TABLE_ACCESS). */
export type DynamoDbAction = `dynamodb:${
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'}`;

export interface BindTableOptions {
  /** A global secondary index the function queries (`dynamodb:Query` on `table/index/<index>`). */
  index?: string;
}

export interface LeadflowFunctionProps {
  config: BusinessUnitConfig;
  /** The handler module name, e.g. `capture-lead`. */
  handler: HandlerName;
  description?: string;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
  environment?: Record<string, string>;
}

export class LeadflowFunction extends NodejsFunction {
  readonly handlerName: HandlerName;
  readonly functionLogGroup: LogGroup;
  readonly serviceRole: Role;

  constructor(scope: Construct, id: string, props: LeadflowFunctionProps) {
    const logGroup = createLogGroup(scope, `${id}LogGroup`, { config: props.config });
    // Own role instead of AWSLambdaBasicExecutionRole (logs:* on *): write to this log group only.
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Leadflow ${props.config.name} ${props.handler}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role,
      logGroup,
      bundling: leadflowBundling(props.config),
      environment: {
        [ENV.businessUnit]: props.config.name,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME,
        ...props.environment,
      },
    });
    this.handlerName = props.handler;
    this.functionLogGroup = logGroup;
    this.serviceRole = role;
    (this.node.defaultChild as CfnFunction).addMetadata(HANDLER_METADATA_KEY, props.handler);
  }

  /**
   * TABLE_NAME plus exactly these DynamoDB actions, on the table's ARN only; with `index`, on that
   * one index (`table/index/<name>`) too, for a function that queries it. No CDK table grant: it
   * would add Scan, DeleteItem, BatchWriteItem, ... and `table/index/*` whether used or not.
   */
  bindTable(table: ITable, actions: readonly DynamoDbAction[], options: BindTableOptions = {}): this {
    if (actions.length === 0) throw new Error(`${this.handlerName}: bindTable needs at least one action`);
    if (options.index && !actions.includes('dynamodb:Query')) {
      throw new Error(`${this.handlerName}: index ${options.index} is only for dynamodb:Query`);
    }
    this.addEnvironment(ENV.tableName, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...actions],
        resources: [table.tableArn, ...(options.index ? [`${table.tableArn}/index/${options.index}`] : [])],
      }),
    );
    return this;
  }

  /** EVENT_BUS_NAME plus events:PutEvents on that bus only. */
  publishTo(bus: IEventBus): this {
    this.addEnvironment(ENV.eventBusName, bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /**
   * STATE_MACHINE_ARN plus states:StartExecution on that state machine only (given as a
   * construct, or as an ARN string where a reference would create a cycle).
   */
  allowStartExecution(stateMachine: IStateMachine | string): this {
    if (typeof stateMachine !== 'string') {
      this.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
      stateMachine.grantStartExecution(this);
      return this;
    }
    this.addEnvironment(ENV.stateMachineArn, stateMachine);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:StartExecution'],
        resources: [stateMachine],
      }),
    );
    return this;
  }

  /**
   * states:SendTaskSuccess on that state machine only (given as a construct, or as an ARN string
   * where a reference would create a cycle). Waits end only in success; failures and heartbeats
   * are never sent, so SendTaskFailure/SendTaskHeartbeat are not granted.
   */
  /** STATE_MACHINE_ARN plus states:StopExecution on that state machine's executions only (GDPR erasure). */
  allowStopExecution(stateMachine: IStateMachine): this {
    this.addEnvironment(ENV.stateMachineArn, stateMachine.stateMachineArn);
    // The ARN CDK's grantExecution builds: every execution of this one state machine.
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${Arn.split(stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:StopExecution'],
        resources: [executions],
      }),
    );
    acknowledgeWildcardResources(
      this.serviceRole,
      [executions],
      'An erased lead may have several executions (`<leadId>`, `-g<n>`, redrives), named only at run time; ' +
        'the wildcard covers the executions of this unit’s lifecycle state machine and nothing else.',
    );
    return this;
  }

  allowTaskSuccess(stateMachine: IStateMachine | string): this {
    const arn = typeof stateMachine === 'string' ? stateMachine : stateMachine.stateMachineArn;
    this.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['states:SendTaskSuccess'], resources: [arn] }),
    );
    return this;
  }

  /**
   * SES_SENDER plus ses:SendEmail (the v1 API the mailer uses; no SendRawEmail) as that sender
   * only: on the address identity or its domain identity (whichever is verified), with the From
   * address pinned; with a configuration set (SES_CONFIGURATION_SET), on that set too, which SES
   * authorizes as well when a mail names it.
   */
  allowSendEmail(sender: string, configurationSet?: string): this {
    const stack = Stack.of(this);
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    this.addEnvironment(ENV.sesSender, sender);
    if (configurationSet) this.addEnvironment(ENV.sesConfigurationSet, configurationSet);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: sender }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
          ...(configurationSet
            ? [
                stack.formatArn({
                  service: 'ses',
                  resource: 'configuration-set',
                  resourceName: configurationSet,
                }),
              ]
            : []),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': sender } },
      }),
    );
    return this;
  }

  /**
   * Asynchronous invocations (EventBridge targets) that still fail after Lambda's retries go to
   * `queue` as on-failure destination records (the event plus the error). Only sqs:SendMessage
   * on that queue is granted (CDK's SqsDestination would add GetQueueAttributes/GetQueueUrl).
   */
  sendAsyncFailuresTo(queue: IQueue, options: { retryAttempts?: number; maxEventAge?: Duration } = {}): this {
    this.configureAsyncInvoke({
      onFailure: {
        bind: (_scope, fn) => {
          fn.addToRolePolicy(
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['sqs:SendMessage'],
              resources: [queue.queueArn],
            }),
          );
          return { destination: queue.queueArn };
        },
      },
      retryAttempts: options.retryAttempts ?? 2,
      maxEventAge: options.maxEventAge ?? Duration.hours(6),
    });
    return this;
  }

  /** ssm:GetParameter on one SecureString parameter (name starts with `/`) and KMS decrypt via SSM for it. */
  allowReadSecureParameter(name: string): this {
    const stack = Stack.of(this);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: name.replace(/^\//, ''),
    });
    this.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['ssm:GetParameter'], resources: [parameterArn] }),
    );
    const anyKey = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['kms:Decrypt'],
        resources: [anyKey],
        conditions: {
          StringEquals: {
            'kms:ViaService': `ssm.${stack.region}.${stack.urlSuffix}`,
            'kms:EncryptionContext:PARAMETER_ARN': parameterArn,
          },
        },
      }),
    );
    acknowledgeWildcardResources(
      this.serviceRole,
      [anyKey],
      'The SecureString key (aws/ssm or a customer key) is chosen outside this stack; kms:Decrypt on key/* is ' +
        'limited to calls SSM makes for this one parameter (kms:ViaService + PARAMETER_ARN encryption context).',
    );
    return this;
  }
}
