/**
 * A proposal for the demo unit, for `npm run simulate`: first touch within 30 business minutes
 * instead of 60, with the escalation rungs brought forward to match.
 */
import demo from '../../config/business-units/demo.ts';
import type { BusinessUnitConfigInput } from '../../config/schema.ts';

export default {
  ...demo,
  sla: {
    ...demo.sla,
    firstTouchMinutes: 30,
    escalation: [
      { afterMinutes: 15, notify: ['rep', 'manager'] },
      { afterMinutes: 30, notify: ['manager', 'ops'] },
    ],
  },
} satisfies BusinessUnitConfigInput;
