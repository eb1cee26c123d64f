import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { once } from './once.ts';
import { transportOptions } from './transport.ts';

export const eventBridgeClient = once(() => new EventBridgeClient({ ...transportOptions() }));
