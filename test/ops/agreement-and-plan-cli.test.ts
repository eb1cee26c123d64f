/**
 * `npm run agreement` and `npm run plan` without a runtime: the unit's config is all they read
 * (the API side of `plan --url` is in test/e2e/reports-api.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runAgreement } from '../../ops/agreement.ts';
import { runPlan } from '../../ops/plan.ts';

async function run(cli: (argv: string[], print: (text: string) => void) => Promise<number>, argv: string[]) {
  const printed: string[] = [];
  const code = await cli(argv, (text) => printed.push(text));
  return { code, out: printed.join('\n') };
}

const agreementOn = (argv: string[]) =>
  run((a, p) => runAgreement(a, p, new Date('2026-06-15T10:00:00Z')), argv);

describe('npm run agreement', () => {
  it('prints the agreement in force as Markdown', async () => {
    const { code, out } = await agreementOn(['--unit', 'demo']);
    expect(code).toBe(0);
    expect(out).toMatch(/^# Sales and marketing agreement: Leadflow demo\n/);
    expect(out).toContain('In force since 2026-01-01 (as of 2026-06-15, Europe/Berlin)');
    expect(out).toContain('- Hand 40 SQLs a month to sales.');
  });

  it('shows the agreement of another day, and other formats', async () => {
    const next = await agreementOn(['--unit', 'demo', '--on', '2027-01-01', '--format', 'json']);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.out)).toMatchObject({
      asOf: '2027-01-01',
      inForce: { effectiveFrom: '2027-01-01' },
    });
    expect((await agreementOn(['--unit', 'demo', '--format', 'html'])).out).toMatch(/^<!doctype html>/);
  });

  it('explains its usage and fails on a bad call', async () => {
    expect(await agreementOn([])).toMatchObject({ code: 2, out: expect.stringContaining('Missing --unit.') });
    expect((await agreementOn(['--unit', 'demo', '--format', 'pdf'])).code).toBe(2);
    expect((await agreementOn(['--unit', 'nowhere'])).code).toBe(1);
  });
});

describe('npm run plan', () => {
  it('works back from the revenue goal with the unit’s entered rates', async () => {
    const { code, out } = await run(runPlan, [
      '--unit',
      'demo',
      '--revenue',
      '1200000',
      '--period',
      '2027-Q1',
    ]);
    expect(code).toBe(0);
    // 1,200,000 / 18,000 = 66.7 → 67 deals, / 0.25 = 268, / 0.7 = 382.9 → 383, / 0.4 → 958, / 0.3 → 3,194.
    expect(out).toContain('Plan for 2027-Q1 (2027-01-01 to 2027-03-31, 3 months): EUR 1,200,000');
    expect(out).toMatch(/Deals won +67 +23/);
    expect(out).toMatch(/Leads +3194 +1065/);
  });

  it('takes a rate or the deal size from the command line', async () => {
    const { out } = await run(runPlan, [
      ...['--unit', 'demo', '--revenue', '1200000', '--period', '2027-03'],
      ...['--deal-size', '40000', '--accepted-to-won', '0.5'],
    ]);
    // 30 deals / 0.5 = 60 accepted / 0.7 = 85.7 → 86 SQLs / 0.4 = 215 MQLs / 0.3 = 716.7 → 717 leads.
    expect(out).toContain('Average deal size EUR 40,000 (entered)');
    expect(out).toMatch(/Accepted SQLs +60 +60/);
    expect(out).toMatch(/Leads +717 +717/);
  });

  it('names every problem with the input, and needs a token to ask the API', async () => {
    const bad = await run(runPlan, ['--unit', 'demo', '--revenue=-1', '--period', '2027-Q5']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("period: '2027-Q5' is not a year");
    expect(bad.out).toContain('revenueGoal: must be a positive amount, got -1');
    expect((await run(runPlan, ['--unit', 'demo'])).code).toBe(2);
    const noToken = await run(runPlan, [
      ...['--unit', 'demo', '--revenue', '1', '--period', '2027'],
      ...['--url', 'http://127.0.0.1:9'],
    ]);
    expect(noToken.code).toBe(2);
  });
});
