/** The demo unit's event archive: rule to Firehose, bucket, Glue table, Athena named queries. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { ARCHIVE_COLUMNS, DEFAULT_ARCHIVE_RETENTION_DAYS } from '../../infra/archive/layout.ts';
import { archiveQueries } from '../../infra/archive/queries.ts';
import { EVENT_ROUTES, EVENT_SOURCE, PROJECTED_EVENT_TYPES } from '../../workflows/event-routes.ts';
import { synthDemoStack } from './demo-stack.ts';
import { logicalIdOf, resourcesOf } from './helpers.ts';

let template: Template;
let config: BusinessUnitConfig;
beforeAll(async () => {
  ({ template, config } = await synthDemoStack());
});

const streamId = () => logicalIdOf(template, 'AWS::KinesisFirehose::DeliveryStream');
const bucketId = () => logicalIdOf(template, 'AWS::S3::Bucket');
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function policyStatementsOfRole(roleId: string) {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => asArray(p.Properties.Roles).some((r) => (r as { Ref?: string }).Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);
}

describe('event archive', () => {
  it('puts every projected lifecycle event on the delivery stream, with retries and the target DLQ', () => {
    const route = EVENT_ROUTES.find((r) => r.target === 'event-archive');
    expect(route).toMatchObject({ kind: 'firehose', detailTypes: [...PROJECTED_EVENT_TYPES] });
    template.hasResource('AWS::Events::Rule', {
      Metadata: { 'leadflow:route': route?.id },
      Properties: Match.objectLike({
        EventPattern: { source: [EVENT_SOURCE], 'detail-type': [...PROJECTED_EVENT_TYPES] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [streamId(), 'Arn'] },
            RoleArn: Match.anyValue(),
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
            DeadLetterConfig: Match.anyValue(),
          }),
        ],
      }),
    });
  });

  it('lets the rule put records on that stream only', () => {
    const rule = Object.values(resourcesOf(template, 'AWS::Events::Rule')).find(
      (r) => r.Metadata?.['leadflow:route'] === 'ArchiveLifecycleEvents',
    );
    const targets = (rule?.Properties.Targets ?? []) as Array<{ RoleArn: { 'Fn::GetAtt': string[] } }>;
    const roleId = targets[0]?.RoleArn['Fn::GetAtt'][0] as string;
    expect(policyStatementsOfRole(roleId)).toEqual([
      {
        Effect: 'Allow',
        Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        Resource: { 'Fn::GetAtt': [streamId(), 'Arn'] },
      },
    ]);
  });

  it('writes GZIP, newline-delimited, encrypted, by unit and local day', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [bucketId(), 'Arn'] },
        Prefix: 'events/unit=demo/dt=!{timestamp:yyyy-MM-dd}/',
        ErrorOutputPrefix: Match.stringLikeRegexp('^errors/unit=demo/!\\{firehose:error-output-type\\}/'),
        CustomTimeZone: config.timezone,
        CompressionFormat: 'GZIP',
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [{ Type: 'AppendDelimiterToRecord', Parameters: [] }],
        },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
      }),
    });
  });

  it('gives Firehose only the S3 and log actions it needs, on its own prefixes', () => {
    const stream = resourcesOf(template, 'AWS::KinesisFirehose::DeliveryStream')[streamId()];
    const destination = (stream?.Properties.ExtendedS3DestinationConfiguration ?? {}) as {
      RoleARN?: { 'Fn::GetAtt': string[] };
    };
    const roleId = destination.RoleARN?.['Fn::GetAtt'][0] as string;
    const statements = policyStatementsOfRole(roleId);
    const actions = statements.flatMap((s) => asArray(s.Action)).sort();
    expect(actions).toEqual([
      'logs:PutLogEvents',
      's3:AbortMultipartUpload',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
      's3:PutObject',
    ]);
    const objectStatement = statements.find((s) => asArray(s.Action).includes('s3:PutObject'));
    const resources = JSON.stringify(objectStatement?.Resource);
    expect(resources).toContain('/events/unit=demo/*');
    expect(resources).toContain('/errors/unit=demo/*');
    expect(resources).not.toMatch(/"\/\*"/);
    const trust = resourcesOf(template, 'AWS::IAM::Role')[roleId]?.Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain('firehose.amazonaws.com');
    expect(JSON.stringify(trust)).toContain('aws:SourceAccount');
  });

  it('keeps the bucket private, encrypted, TLS-only, and ages events out', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: 'events/',
            ExpirationInDays: DEFAULT_ARCHIVE_RETENTION_DAYS,
            Status: 'Enabled',
          }),
          Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7 }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('has a Glue table with the JSON SerDe and partition projection (no crawler)', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Glue::Crawler'))).toEqual([]);
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'leadflow_demo' } });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'leadflow_demo',
      TableInput: Match.objectLike({
        Name: 'lifecycle_events',
        PartitionKeys: [
          { Name: 'unit', Type: 'string' },
          { Name: 'dt', Type: 'string' },
        ],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.unit.values': 'demo',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'storage.location.template': Match.objectLike({
            'Fn::Join': ['', Match.arrayWith([`/events/unit=\${unit}/dt=\${dt}/`])],
          }),
        }),
        StorageDescriptor: Match.objectLike({
          Columns: ARCHIVE_COLUMNS.map((c) => ({ Name: c.name, Type: c.type })),
          SerdeInfo: {
            SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            Parameters: Match.objectLike({ 'mapping.detail_type': 'detail-type' }),
          },
        }),
      }),
    });
  });

  it('saves every archive query as an Athena named query in the analysts workgroup', () => {
    const workGroup = logicalIdOf(template, 'AWS::Athena::WorkGroup');
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
    const named = Object.values(resourcesOf(template, 'AWS::Athena::NamedQuery')).map((q) => q.Properties);
    const queries = archiveQueries(config);
    expect(named).toEqual(
      queries.map((q) =>
        expect.objectContaining({
          Name: q.name,
          Database: 'leadflow_demo',
          WorkGroup: { Ref: workGroup },
          QueryString: q.sql,
        }),
      ),
    );
    expect(queries.map((q) => q.id)).toEqual([
      'sqls-delivered',
      'first-touch-within-sla',
      'time-to-first-touch',
      'acceptance-rate',
      'rejections-by-source',
    ]);
  });
});
