import { SESClient } from '@aws-sdk/client-ses';
import { once } from './once.ts';
import { transportOptions } from './transport.ts';

export const sesClient = once(() => new SESClient({ ...transportOptions() }));
