/**
 * A unit's us-east-1 companion stack (`Leadflow-<unit>-edge`): only the CLOUDFRONT-scoped WAF
 * web ACL, which AWS allows nowhere else. The unit's own stack, in its own region, holds the
 * distribution that uses it (see infra/constructs/edge.ts).
 */
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { CaptureWebAcl } from '../constructs/edge.ts';

export interface LeadflowEdgeStackProps extends StackProps {
  config: BusinessUnitConfig;
  requestsPer5Minutes: number;
}

export class LeadflowEdgeStack extends Stack {
  readonly webAcl: CaptureWebAcl;

  constructor(scope: Construct, id: string, props: LeadflowEdgeStackProps) {
    const { config, requestsPer5Minutes, ...stackProps } = props;
    super(scope, id, {
      stackName: unitResourceNames(config.name).edgeStack,
      description: `Leadflow edge (CloudFront web ACL) for ${config.displayName} (${config.name})`,
      ...stackProps,
    });
    Tags.of(this).add('leadflow:business-unit', config.name);
    this.webAcl = new CaptureWebAcl(this, 'Capture', { config, requestsPer5Minutes });
  }
}
