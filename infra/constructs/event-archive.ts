/**
 * The unit's event archive for analysts: lifecycle events, as the bus delivers them, written by
 * Kinesis Data Firehose to S3 (GZIP, one JSON object per line, by unit and local day), a Glue
 * table over them (partition projection, so no crawler), and Athena named queries that reproduce
 * the scorecard's headline figures (infra/archive/queries.ts). The rule that feeds the stream is
 * the `ArchiveLifecycleEvents` row of workflows/event-routes.ts (LeadflowEvents.streamTo).
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { LogStream } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import {
  ARCHIVE_COLUMNS,
  ATHENA_RESULTS_PREFIX,
  archiveErrorPrefix,
  archivePrefix,
  DEFAULT_ARCHIVE_RETENTION_DAYS,
  PARTITION_KEYS,
} from '../archive/layout.ts';
import { ARCHIVE_TABLE_NAME, archiveDatabaseName, archiveQueries, glueName } from '../archive/queries.ts';
import { acknowledgeNag, acknowledgeWildcardResources } from '../nag.ts';
import { createLogGroup } from './log-group.ts';

export interface LeadflowEventArchiveProps {
  config: BusinessUnitConfig;
  /** How long archived events are kept. @default DEFAULT_ARCHIVE_RETENTION_DAYS (731 days) */
  retention?: Duration;
}

/** Athena query results are re-runnable: a week is enough. */
const ATHENA_RESULTS_RETENTION = Duration.days(7);
/** Records Firehose could not write: kept long enough to notice and replay them. */
const ERROR_RETENTION = Duration.days(30);

export class LeadflowEventArchive extends Construct {
  readonly bucket: Bucket;
  readonly deliveryStream: CfnDeliveryStream;
  /** The role Firehose writes with: the archive's prefixes of the bucket and its log stream, nothing else. */
  readonly deliveryRole: Role;
  readonly logGroup: LogGroup;
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly workGroup: CfnWorkGroup;
  readonly namedQueries: CfnNamedQuery[] = [];

  constructor(scope: Construct, id: string, props: LeadflowEventArchiveProps) {
    super(scope, id);
    const { config } = props;
    const unit = config.name;
    const retention = props.retention ?? Duration.days(DEFAULT_ARCHIVE_RETENTION_DAYS);

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // History outlives the stack, like the logs: deleting the stack must not delete it.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-events', prefix: 'events/', expiration: retention },
        { id: 'expire-errors', prefix: 'errors/', expiration: ERROR_RETENTION },
        { id: 'expire-athena-results', prefix: ATHENA_RESULTS_PREFIX, expiration: ATHENA_RESULTS_RETENTION },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    acknowledgeNag(
      this.bucket,
      'AwsSolutions-S1',
      'Only Firehose writes and only Athena reads this bucket, both through IAM; CloudTrail data events are ' +
        'the audit trail where one is required, without a second bucket of access logs per unit.',
    );

    this.logGroup = createLogGroup(this, 'DeliveryLogs', { config });
    const logStream = new LogStream(this, 'DeliveryLogStream', { logGroup: this.logGroup });

    this.deliveryRole = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Firehose writing ${unit}'s lifecycle events to the event archive`,
    });
    // The S3 actions Firehose documents for an S3 destination, on the archive's own prefixes only.
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [this.bucket.bucketArn],
      }),
    );
    const writablePrefixes = [`events/unit=${unit}/*`, `errors/unit=${unit}/*`].map((prefix) =>
      this.bucket.arnForObjects(prefix),
    );
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: writablePrefixes,
      }),
    );
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    acknowledgeWildcardResources(
      this.deliveryRole,
      writablePrefixes,
      'Firehose names each object itself (date partition, stream name, random suffix): the role may write ' +
        "only under this unit's events/ and errors/ prefixes of the archive bucket.",
    );

    this.deliveryStream = new CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.deliveryRole.roleArn,
        prefix: archivePrefix(unit),
        errorOutputPrefix: archiveErrorPrefix(unit),
        // The day partition is the unit's local day, as the scorecard cuts days.
        customTimeZone: config.timezone,
        compressionFormat: 'GZIP',
        bufferingHints: { intervalInSeconds: 300, sizeInMBs: 64 },
        // EventBridge puts one JSON event per record with no separator; the SerDe reads lines.
        processingConfiguration: {
          enabled: true,
          processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }],
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    // The stream checks its role's access when it is created.
    this.deliveryStream.node.addDependency(this.deliveryRole);

    const account = Stack.of(this).account;
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: archiveDatabaseName(unit),
        description: `Leadflow ${config.displayName}: lifecycle event archive`,
      },
    });
    const location = `s3://${this.bucket.bucketName}/events/`;
    this.table = new CfnTable(this, 'Table', {
      catalogId: account,
      databaseName: archiveDatabaseName(unit),
      tableInput: {
        name: ARCHIVE_TABLE_NAME,
        description: 'One row per EventBridge lifecycle event (detail as delivered)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: PARTITION_KEYS.map((k) => ({ name: k.name, type: k.type })),
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.unit.type': 'enum',
          'projection.unit.values': unit,
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `NOW-${retention.toDays()}DAYS,NOW+1DAYS`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}unit=\${unit}/dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          columns: ARCHIVE_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: {
              'ignore.malformed.json': 'true',
              ...Object.fromEntries(
                ARCHIVE_COLUMNS.filter((c) => c.jsonKey !== c.name).map((c) => [
                  `mapping.${c.name}`,
                  c.jsonKey,
                ]),
              ),
            },
          },
        },
      },
    });
    this.table.node.addDependency(this.database);

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: glueName(`leadflow_${unit}_analysts`),
      description: `Athena over ${config.displayName}'s event archive (results encrypted, in the archive bucket)`,
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // A runaway query over years of events stops at 10 GB scanned.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    for (const query of archiveQueries(config)) {
      const named = new CfnNamedQuery(this, `Query-${query.id}`, {
        name: query.name,
        description: query.description,
        database: archiveDatabaseName(unit),
        workGroup: this.workGroup.ref,
        queryString: query.sql,
      });
      named.node.addDependency(this.table);
      this.namedQueries.push(named);
    }
  }
}
