/**
 * The names of a business unit's resources, in one place: the stack names its resources with
 * them, and the local runtime names its stand-ins the same way.
 */
export interface UnitResourceNames {
  stack: string;
  table: string;
  eventBus: string;
  stateMachine: string;
  httpApi: string;
  userPool: string;
  authorizer: string;
}

export function unitResourceNames(unit: string): UnitResourceNames {
  return {
    stack: `Leadflow-${unit}`,
    table: `leadflow-${unit}`,
    eventBus: `leadflow-${unit}`,
    stateMachine: `leadflow-${unit}-lifecycle`,
    httpApi: `leadflow-${unit}`,
    userPool: `leadflow-${unit}`,
    authorizer: `leadflow-${unit}-jwt`,
  };
}
