/**
 * The names of a business unit's resources, in one place: the stack names its resources with
 * them, and the local runtime names its stand-ins the same way.
 */
export interface UnitResourceNames {
  stack: string;
  /** The us-east-1 stack holding the CloudFront web ACL (only with `capture.edgeRateLimit`). */
  edgeStack: string;
  table: string;
  eventBus: string;
  stateMachine: string;
  httpApi: string;
  userPool: string;
  authorizer: string;
  /** SNS topic every alarm notifies (ops are subscribed by email). */
  alarmTopic: string;
  /** Alarm names start with this, so the topic and its key can trust exactly these alarms. */
  alarmPrefix: string;
  dashboard: string;
  webAcl: string;
  /** SES configuration set every mail is sent with (bounce and complaint events). */
  configurationSet: string;
  /** SNS topic the configuration set publishes bounces and complaints to (ses-feedback reads it). */
  mailFeedbackTopic: string;
}

export function unitResourceNames(unit: string): UnitResourceNames {
  return {
    stack: `Leadflow-${unit}`,
    edgeStack: `Leadflow-${unit}-edge`,
    table: `leadflow-${unit}`,
    eventBus: `leadflow-${unit}`,
    stateMachine: `leadflow-${unit}-lifecycle`,
    httpApi: `leadflow-${unit}`,
    userPool: `leadflow-${unit}`,
    authorizer: `leadflow-${unit}-jwt`,
    alarmTopic: `leadflow-${unit}-alarms`,
    alarmPrefix: `leadflow-${unit}-`,
    dashboard: `leadflow-${unit}`,
    webAcl: `leadflow-${unit}-capture`,
    configurationSet: `leadflow-${unit}`,
    mailFeedbackTopic: `leadflow-${unit}-mail-feedback`,
  };
}
