import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { once } from './once.ts';

export const eventBridgeClient = once(() => new EventBridgeClient({}));
