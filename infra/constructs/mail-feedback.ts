/**
 * Bounces and complaints stop further mail: every mail is sent with the unit's SES
 * configuration set, which has SES's suppression on for bounces and complaints (whatever the
 * account's own setting), so SES adds such an address to the account's suppression list and
 * accepts later mail to it without delivering it. Its event destination publishes bounce and
 * complaint events to an encrypted SNS topic, to which the ses-feedback function is subscribed:
 * it records the address in the unit's table (`SUPPRESSED#<hash>`) for ops, who see which
 * configured recipient stopped getting alerts and fix the routing config.
 *
 * Why SES enforces it and not our mailer: a suppression read before every send would cost one
 * DynamoDB request per recipient of every alert, happy path included, to repeat what SES does
 * for free. What that leaves: the account-level list is shared by everything the account sends
 * (another unit's or application's mail to an address that bounced here is dropped too), and
 * letting an address receive mail again is `aws sesv2 delete-suppressed-destination` (then
 * delete the record). The local runtime has no SES suppression: there, mail is still delivered
 * to the outbox after a simulated bounce, and only the record is written.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  ConfigurationSet,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import type { LeadflowFunction } from './leadflow-function.ts';

export interface MailFeedbackProps {
  config: BusinessUnitConfig;
  /** Subscribed to the topic: writes the suppression list. */
  sesFeedback: LeadflowFunction;
}

export class MailFeedback extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: MailFeedbackProps) {
    super(scope, id);
    const { config } = props;
    const names = unitResourceNames(config.name);
    const stack = Stack.of(this);

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: names.configurationSet,
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    // SES can only publish to an encrypted topic whose key lets it: a customer managed key that
    // trusts SES for this configuration set in this account only.
    const key = new Key(this, 'TopicKey', {
      description: `Leadflow ${config.name}: encrypts SES bounce and complaint events`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new Topic(this, 'Topic', {
      topicName: names.mailFeedbackTopic,
      displayName: `Leadflow ${config.displayName} mail feedback`,
      masterKey: key,
      enforceSSL: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: names.configurationSet,
            }),
          },
        },
      }),
    );
    // Adds the topic policy that lets SES publish for this configuration set only.
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.topic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.topic.addSubscription(new LambdaSubscription(props.sesFeedback));
  }
}
