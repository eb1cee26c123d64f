import type { BusinessUnitConfigInput } from '../schema.ts';

/**
 * The unit `npm start` runs. Tuned so a walk-through shows every SLA step quickly:
 * a `contact-sales` lead with a business email and a company is an SQL at once, and the
 * first-touch window is one business hour.
 */
export default {
  name: 'demo',
  displayName: 'Leadflow demo',
  timezone: 'Europe/Berlin',
  capture: {
    allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
    thankYouUrls: ['http://localhost:3000/thank-you', 'http://127.0.0.1:3000/thank-you'],
    // The README's curl examples and the local tools post as this integration, with the key
    // `demo-local-api-key`. Demo only: a real unit lists the hashes of its own secret keys.
    apiClients: [
      { id: 'demo-crm', keySha256: '915fd3ddfc88eb0a05a049ceb5520020d2034a49e9365fd0b583f8bffa55c6ec' },
    ],
  },
  email: {
    sender: 'leadflow@demo.example.com',
    alertRecipients: { ops: ['ops@demo.example.com'], salesManagers: ['sales-lead@demo.example.com'] },
  },
  spam: { honeypotField: 'website_url', minFillSeconds: 2 },
  calendar: {
    timezone: 'Europe/Berlin',
    weekly: {
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '17:00']],
    },
    holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01'],
  },
  scoring: {
    fitRules: [
      {
        id: 'senior-title',
        description: 'Decision maker title',
        when: {
          field: 'jobTitle',
          op: 'matches',
          pattern: '\\b(head|director|vp|chief|cto|ceo|cmo|founder)\\b',
        },
        points: 20,
      },
      {
        id: 'business-email',
        description: 'Business email domain',
        when: { field: 'email', op: 'businessEmail' },
        points: 10,
      },
      {
        id: 'has-company',
        description: 'Company given',
        when: { field: 'company', op: 'exists' },
        points: 10,
      },
      {
        id: 'mid-market',
        description: '50+ employees',
        when: { field: 'companySize', op: 'gte', value: 50 },
        points: 15,
      },
    ],
    engagementPoints: {
      'form-resubmitted': 10,
      'email-clicked': 5,
      'pricing-page-visited': 15,
      'webinar-attended': 20,
      'content-downloaded': 10,
      'demo-requested': 40,
    },
    engagementHalfLifeDays: 30,
  },
  qualification: {
    mqlThreshold: 20,
    sqlThreshold: 60,
    sqlRequiredFields: ['company'],
    handRaiserIntents: ['contact-sales', 'demo'],
    handRaiserRequiresBusinessEmail: true,
    disqualifyWhen: [
      {
        reason: 'competitor',
        when: { field: 'company', op: 'matches', pattern: '^(rivalcorp|competitor inc)$' },
      },
    ],
  },
  nurture: { checkIntervalHours: 24 * 7, maxNurtureDays: 90, onExpiry: 'disqualify' },
  routing: {
    rules: [{ id: 'dach', when: { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] }, team: 'dach' }],
    defaultTeam: 'international',
    teams: [
      {
        id: 'dach',
        name: 'DACH',
        strategy: 'round-robin',
        manager: { name: 'Mara Manager', email: 'mara.manager@demo.example.com' },
        members: [
          { id: 'anna', name: 'Anna Becker', email: 'anna@demo.example.com', capacity: 20 },
          { id: 'ben', name: 'Ben Vogel', email: 'ben@demo.example.com', capacity: 20 },
        ],
      },
      {
        id: 'international',
        name: 'International',
        strategy: 'weighted',
        manager: { name: 'Ian Head', email: 'ian.head@demo.example.com' },
        members: [
          { id: 'carla', name: 'Carla Diaz', email: 'carla@demo.example.com', weight: 2, capacity: 30 },
          { id: 'dev', name: 'Dev Patel', email: 'dev@demo.example.com', weight: 1, capacity: 15 },
        ],
      },
    ],
    fallback: { name: 'Sales queue', email: 'sales-queue@demo.example.com' },
  },
  sla: {
    firstTouchMinutes: 60,
    reminderAtPercent: 75,
    escalation: [
      { afterMinutes: 30, notify: ['rep', 'manager'] },
      { afterMinutes: 60, notify: ['manager', 'ops'] },
    ],
    maxReassignments: 1,
    acceptanceMinutes: 8 * 60,
    minTouchAttempts: 1,
  },
  // The two-sided agreement: what marketing owes sales and sales owes marketing (GET /agreement).
  agreement: {
    versions: [
      {
        effectiveFrom: '2026-01-01',
        summary: 'First agreement',
        marketing: { sqlsPerMonth: 40, minAcceptanceRate: 0.7 },
        sales: { firstTouchWithinSlaRate: 0.9, decisionWithinWindowRate: 0.85 },
      },
      {
        effectiveFrom: '2027-01-01',
        summary: '2027: 50 SQLs a month; sales decides on 90% within the window',
        marketing: { sqlsPerMonth: 50, minAcceptanceRate: 0.7 },
        sales: { firstTouchWithinSlaRate: 0.9, decisionWithinWindowRate: 0.9 },
      },
    ],
    recipients: { marketing: ['marketing@demo.example.com'], sales: ['sales-lead@demo.example.com'] },
    paceAlerts: { marketingBehindBy: 0.15, salesBelowBy: 0.05 },
    digest: { weekday: 'mon', localTime: '08:00' },
    planning: {
      currency: 'EUR',
      averageDealSize: 18_000,
      rates: { leadToMql: 0.3, mqlToSql: 0.4, sqlToAccepted: 0.7, acceptedToWon: 0.25 },
    },
  },
  // Rep mails: the unit's colours, and one-click action links. Deployed, the demo unit has no
  // signing key, so its mails carry no links; `npm start` gives it a generated key of its own.
  branding: { displayName: 'Leadflow demo', primaryColor: '#0f766e' },
  actions: { linkTtlHours: 72 },
  // Data residency: the unit's stack (table, logs, queues) deploys to Frankfurt.
  aws: { region: 'eu-central-1' },
} satisfies BusinessUnitConfigInput;
