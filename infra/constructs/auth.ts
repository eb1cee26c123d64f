/**
 * Who may call the authenticated API routes. By default the stack runs a small Cognito user
 * pool for the unit's ops and sales staff; a unit with its own identity provider sets
 * `auth.oidc` and no pool is created. Either way API Gateway validates the JWT.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { unitResourceNames } from '../../config/resource-names.ts';
import type { BusinessUnitConfig } from '../../config/schema.ts';
import { ROLES } from '../../functions/domain/roles.ts';
import { acknowledgeNag } from '../nag.ts';

/**
 * `auth.mfa` to Cognito. Caveat: Cognito has refused to turn MFA to required (ON) on a pool that
 * was created without it; if such an update fails, set it once with
 * `aws cognito-idp set-user-pool-mfa-config --mfa-configuration ON --software-token-mfa-configuration Enabled=true`.
 */
const MFA_MODES: Record<BusinessUnitConfig['auth']['mfa'], Mfa> = {
  required: Mfa.REQUIRED,
  optional: Mfa.OPTIONAL,
  off: Mfa.OFF,
};

export interface LeadflowAuthProps {
  config: BusinessUnitConfig;
}

export class LeadflowAuth extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  readonly issuer: string;
  readonly audience: string[];
  /** Only when the stack owns the identity provider (no `auth.oidc`). */
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: LeadflowAuthProps) {
    super(scope, id);
    const { config } = props;
    const oidc = config.auth.oidc;

    if (oidc) {
      this.issuer = oidc.issuer;
      this.audience = [...oidc.audience];
    } else {
      const pool = new UserPool(this, 'UserPool', {
        userPoolName: unitResourceNames(config.name).userPool,
        // Staff accounts only: ops invite reps; nobody signs themselves up.
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        signInCaseSensitive: false,
        passwordPolicy: {
          minLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireDigits: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        // TOTP apps only: SMS codes can be intercepted (SIM swap) and need an SNS SMS set-up.
        mfa: MFA_MODES[config.auth.mfa],
        ...(config.auth.mfa === 'off' ? {} : { mfaSecondFactor: { otp: true, sms: false } }),
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        // Plus tier for threat protection (compromised credentials, adaptive auth). Billed per
        // monthly active user, and the users are a unit's handful of staff: cents per month.
        featurePlan: FeaturePlan.PLUS,
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      if (config.auth.mfa !== 'required') {
        acknowledgeNag(
          pool,
          'AwsSolutions-COG2',
          `The unit's config sets auth.mfa to '${config.auth.mfa}' (default 'required'); Plus-tier adaptive ` +
            'authentication still challenges risky sign-ins and blocks compromised credentials.',
        );
      }
      for (const group of ROLES) {
        new UserPoolGroup(this, `Group-${group}`, { userPool: pool, groupName: group });
      }
      const client = pool.addClient('WebClient', {
        generateSecret: false,
        authFlows: { userSrp: true },
        // No hosted UI: the ops console signs in with SRP directly.
        disableOAuth: true,
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(30),
      });
      this.userPool = pool;
      this.userPoolClient = client;
      this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPoolId}`;
      this.audience = [client.userPoolClientId];
    }

    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', this.issuer, {
      authorizerName: unitResourceNames(config.name).authorizer,
      jwtAudience: this.audience,
      identitySource: ['$request.header.Authorization'],
    });
  }
}
