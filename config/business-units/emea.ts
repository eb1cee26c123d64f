import type { BusinessUnitConfigInput } from '../schema.ts';

/** A realistic production unit: EMEA sales, London hours, UK bank holidays, Turnstile on the forms. */
export default {
  name: 'emea',
  displayName: 'Acme EMEA',
  timezone: 'Europe/London',
  capture: {
    allowedOrigins: ['https://www.acme.example', 'https://go.acme.example'],
    thankYouUrls: ['https://www.acme.example/thank-you', 'https://www.acme.example/demo-booked'],
    maxBodyBytes: 16_384,
  },
  email: {
    sender: 'leadflow@acme.example',
    alertRecipients: { ops: ['revops@acme.example'], salesManagers: ['emea-sales-leads@acme.example'] },
  },
  spam: {
    honeypotField: 'fax_number',
    minFillSeconds: 3,
    turnstile: {
      secret: { source: 'ssm', name: '/leadflow/emea/turnstile-secret' },
      siteKey: '0x4AAAAAAAemeaSiteKey',
    },
  },
  calendar: {
    timezone: 'Europe/London',
    weekly: {
      mon: [
        ['08:30', '12:30'],
        ['13:30', '17:30'],
      ],
      tue: [
        ['08:30', '12:30'],
        ['13:30', '17:30'],
      ],
      wed: [
        ['08:30', '12:30'],
        ['13:30', '17:30'],
      ],
      thu: [
        ['08:30', '12:30'],
        ['13:30', '17:30'],
      ],
      fri: [
        ['08:30', '12:30'],
        ['13:30', '16:00'],
      ],
    },
    holidays: [
      '2026-12-25',
      '2026-12-28',
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
    ],
  },
  scoring: {
    fitRules: [
      {
        id: 'senior-title',
        description: 'Director or above',
        when: {
          field: 'jobTitle',
          op: 'matches',
          pattern: '\\b(head|director|vp|vice president|chief|c[a-z]o)\\b',
        },
        points: 25,
      },
      {
        id: 'business-email',
        description: 'Business email domain',
        when: { field: 'email', op: 'businessEmail' },
        points: 10,
      },
      {
        id: 'target-country',
        description: 'Core EMEA market',
        when: { field: 'country', op: 'in', values: ['GB', 'IE', 'FR', 'DE', 'NL', 'SE'] },
        points: 10,
      },
      {
        id: 'enterprise',
        description: '1000+ employees',
        when: { field: 'companySize', op: 'gte', value: 1000 },
        points: 25,
      },
      {
        id: 'student',
        description: 'Students rarely buy',
        when: { field: 'jobTitle', op: 'matches', pattern: '\\bstudent\\b' },
        points: -30,
      },
    ],
    engagementPoints: {
      'form-resubmitted': 5,
      'email-opened': 1,
      'email-clicked': 3,
      'page-visited': 1,
      'pricing-page-visited': 10,
      'webinar-attended': 15,
      'content-downloaded': 8,
      'demo-requested': 40,
    },
    engagementHalfLifeDays: 21,
  },
  qualification: {
    mqlThreshold: 25,
    sqlThreshold: 70,
    sqlRequiredFields: ['company', 'jobTitle'],
    handRaiserIntents: ['contact-sales', 'demo'],
    handRaiserRequiresBusinessEmail: true,
    disqualifyWhen: [
      {
        reason: 'sanctioned-country',
        when: { field: 'country', op: 'in', values: ['RU', 'BY', 'IR', 'KP'] },
      },
      { reason: 'no-consent', when: { field: 'consent', op: 'equals', value: false } },
    ],
  },
  nurture: { checkIntervalHours: 24 * 7, maxNurtureDays: 365, onExpiry: 'recycle' },
  routing: {
    rules: [
      { id: 'enterprise', when: { field: 'companySize', op: 'gte', value: 1000 }, team: 'enterprise' },
      { id: 'dach', when: { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] }, team: 'dach' },
    ],
    defaultTeam: 'uk-i',
    skipOffHoursReps: true,
    teams: [
      {
        id: 'enterprise',
        name: 'Enterprise EMEA',
        strategy: 'weighted',
        manager: { name: 'Priya Shah', email: 'priya.shah@acme.example' },
        members: [
          { id: 'oliver', name: 'Oliver Grant', email: 'oliver.grant@acme.example', weight: 3, capacity: 12 },
          { id: 'sofia', name: 'Sofia Marin', email: 'sofia.marin@acme.example', weight: 2, capacity: 10 },
        ],
      },
      {
        id: 'dach',
        name: 'DACH',
        strategy: 'round-robin',
        manager: { name: 'Jonas Weber', email: 'jonas.weber@acme.example' },
        members: [
          {
            id: 'lena',
            name: 'Lena Hoffmann',
            email: 'lena.hoffmann@acme.example',
            calendar: {
              timezone: 'Europe/Berlin',
              weekly: {
                mon: [['09:00', '17:00']],
                tue: [['09:00', '17:00']],
                wed: [['09:00', '17:00']],
                thu: [['09:00', '17:00']],
                fri: [['09:00', '15:00']],
              },
              holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01'],
            },
          },
          {
            id: 'max',
            name: 'Max Braun',
            email: 'max.braun@acme.example',
            outOfOffice: [{ from: '2026-12-21', to: '2027-01-04', note: 'Parental leave' }],
          },
        ],
      },
      {
        id: 'uk-i',
        name: 'UK & Ireland',
        strategy: 'round-robin',
        manager: { name: 'Hannah Cole', email: 'hannah.cole@acme.example' },
        members: [
          { id: 'tom', name: 'Tom Reid', email: 'tom.reid@acme.example', capacity: 30 },
          { id: 'aoife', name: 'Aoife Byrne', email: 'aoife.byrne@acme.example', capacity: 30 },
          { id: 'sam', name: 'Sam Patel', email: 'sam.patel@acme.example', capacity: 20 },
        ],
      },
    ],
    fallback: { name: 'EMEA inside-sales queue', email: 'emea-queue@acme.example' },
  },
  sla: {
    firstTouchMinutes: 120,
    reminderAtPercent: 75,
    escalation: [
      { afterMinutes: 60, notify: ['rep', 'manager'] },
      { afterMinutes: 120, notify: ['manager', 'ops'] },
    ],
    maxReassignments: 2,
    acceptanceMinutes: 16 * 60,
    minTouchAttempts: 2,
    outcomeMinutes: 60 * 8 * 60,
    rejectionReasons: [
      'Below target company size',
      'Outside EMEA',
      'No budget this year',
      'Student or job seeker',
      'Existing customer (route to account management)',
      'Competitor',
      'Spam or fake details',
    ],
  },
  // The two-sided agreement, split DACH / rest of EMEA as the regional teams are (GET /agreement).
  agreement: {
    versions: [
      {
        effectiveFrom: '2026-07-01',
        summary: 'First EMEA agreement',
        marketing: {
          sqlsPerMonth: 120,
          bySegment: [
            {
              id: 'dach',
              when: { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] },
              sqlsPerMonth: 40,
            },
            {
              id: 'rest-of-emea',
              when: { not: { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] } },
              sqlsPerMonth: 80,
            },
          ],
          minAcceptanceRate: 0.7,
        },
        sales: { firstTouchWithinSlaRate: 0.9, decisionWithinWindowRate: 0.85 },
      },
      {
        effectiveFrom: '2027-01-01',
        summary: '2027: 150 SQLs a month (DACH 50), quality bar raised to 75%',
        marketing: {
          sqlsPerMonth: 150,
          bySegment: [
            {
              id: 'dach',
              when: { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] },
              sqlsPerMonth: 50,
            },
            {
              id: 'rest-of-emea',
              when: { not: { field: 'country', op: 'in', values: ['DE', 'AT', 'CH'] } },
              sqlsPerMonth: 100,
            },
          ],
          minAcceptanceRate: 0.75,
        },
        sales: { firstTouchWithinSlaRate: 0.9, decisionWithinWindowRate: 0.9 },
      },
    ],
    recipients: { marketing: ['emea-marketing@acme.example'], sales: ['emea-sales-leads@acme.example'] },
    paceAlerts: { marketingBehindBy: 0.1, salesBelowBy: 0.05, minBusinessDaysElapsed: 3, minJudgedLeads: 15 },
    digest: { weekday: 'mon', localTime: '07:30' },
    planning: {
      currency: 'GBP',
      averageDealSize: 42_000,
      rates: { leadToMql: 0.25, mqlToSql: 0.35, sqlToAccepted: 0.75, acceptedToWon: 0.3 },
    },
  },
  branding: {
    displayName: 'Acme EMEA Sales',
    primaryColor: '#b45309',
    logoUrl: 'https://www.acme.example/assets/logo-mail.png',
  },
  // Action links in rep mails, signed with a key from SSM (at least 32 bytes, e.g.
  // `openssl rand -base64 48`, stored as a SecureString under this name).
  actions: {
    signingKey: { source: 'ssm', name: '/leadflow/emea/action-link-key' },
    linkTtlHours: 48,
  },
  logRetentionDays: 90,
  // Data residency: EMEA leads stay in Ireland.
  aws: { region: 'eu-west-1' },
} satisfies BusinessUnitConfigInput;
