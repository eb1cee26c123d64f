/**
 * Part of benchmark 4, in its own process (it needs another unit config): one lead nurtured
 * for a year. Demo unit with `nurture.maxNurtureDays: 365` and weekly checks; a low-fit lead
 * is captured and left alone until its nurture expires. Reports states entered and the history
 * events AWS would record (~5 per Task, 2 per Choice/Succeed, 2 for the execution), against
 * Step Functions' limit of 25,000 history events per execution.
 */

import { measureScenario } from './lib/lifecycle.ts';
import { type BenchResult, runAsScript } from './lib/report.ts';
import { contentLead, loadDemoConfig, startBenchRuntime } from './lib/runtime.ts';

export const HISTORY_LIMIT = 25_000;

export async function main(): Promise<BenchResult> {
  const demo = await loadDemoConfig();
  const config = {
    ...demo,
    nurture: {
      ...demo.nurture,
      maxNurtureDays: 365,
      checkIntervalHours: 24 * 7,
      onExpiry: 'disqualify' as const,
    },
  };
  const rt = await startBenchRuntime({ config });
  try {
    const m = await measureScenario(rt, 'nurtured 1 year, expires (365-day unit)', async () => {
      const leadId = await rt.capture(contentLead('year@sleepy.example', 'FR'));
      await rt.settle();
      await rt.runUntil(new Date(rt.clock.now().getTime() + 372 * 86_400_000));
      return leadId;
    });
    const checks = m.path.filter((s) => s === 'NurtureCheck').length;
    const problems: string[] = [];
    if (m.virtualDays >= 365)
      problems.push(
        `The year-long nurture execution lasts ${m.virtualDays.toFixed(2)} days with zero-time steps; on AWS each step takes time, so it crosses the 1-year maximum execution time of Standard workflows and the execution fails with States.Timeout instead of disqualifying the lead. config/schema.ts accepts any positive maxNurtureDays, and a recycle (rejection or nurture-expiry recycle) starts a fresh nurture period inside the same execution, so lifetimes are unbounded; nothing continues a long lifecycle as a new execution (e.g. via the existing resume path).`,
      );
    if (m.stage !== 'disqualified' || m.status !== 'SUCCEEDED')
      problems.push(`expected the lead disqualified and the execution done, got ${m.stage}/${m.status}`);
    return {
      id: 'nurture-year',
      title: '4b. One lead nurtured for a year (weekly checks)',
      metrics: [
        { name: 'nurture checks in a year', value: checks, unit: 'checks', digits: 0 },
        { name: 'states entered', value: m.path.length, unit: 'states', digits: 0 },
        {
          name: 'AWS history events (est.)',
          value: m.historyEvents,
          unit: 'events',
          digits: 0,
          target: `< ${HISTORY_LIMIT.toLocaleString('en-US')}`,
          pass: m.historyEvents < HISTORY_LIMIT,
        },
        { name: 'share of the history limit', value: (100 * m.historyEvents) / HISTORY_LIMIT, unit: '%' },
        { name: 'execution duration', value: m.virtualDays, unit: 'days' },
      ],
      problems,
      data: m,
    };
  } finally {
    await rt.stop();
  }
}

await runAsScript(import.meta.url, main);
