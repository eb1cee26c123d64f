import { SFNClient } from '@aws-sdk/client-sfn';
import { once } from './once.ts';
import { transportOptions } from './transport.ts';

export const sfnClient = once(() => new SFNClient({ ...transportOptions() }));
