/** The unit's single DynamoDB table (single-table design: leads, reps, waits, idempotency). */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export const TABLE_KEYS = {
  pk: 'pk',
  sk: 'sk',
  gsi1: 'gsi1',
  gsi1pk: 'gsi1pk',
  gsi1sk: 'gsi1sk',
  ttl: 'expiresAt',
} as const;

/**
 * Attributes gsi1 carries besides its keys (status listings, quarantine review). Not the stage:
 * a projected stage would rewrite the index entry on every stage change.
 */
export const GSI1_ATTRIBUTES = ['leadId', 'profile', 'reasons', 'quarantinedAt'] as const;

export class LeadflowData extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.pk, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sk, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // KMS with the AWS-managed aws/dynamodb key: auditable in CloudTrail, no key policy to run.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      // Lead data must survive a stack deletion or a botched replacement.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.gsi1,
      partitionKey: { name: TABLE_KEYS.gsi1pk, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsi1sk, type: AttributeType.STRING },
      // Only what stage listings and the spam review read: with ALL, every write to a lead
      // (timeline, SLA state) would rewrite its index entry too, about doubling write cost.
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...GSI1_ATTRIBUTES],
    });
  }
}
