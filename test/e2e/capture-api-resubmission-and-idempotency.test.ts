/** POST /leads end to end: re-submissions of one email and Idempotency-Key replays. */
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/capture.ts';
import { captureApi, expectProblem } from './capture-fixtures.ts';

const { h, postJson, capturedEvents, executions } = captureApi();

describe('re-submission', () => {
  it('the same email (other case and whitespace) is the same lead: updated, resubmitted, counted, one lifecycle', async () => {
    const first = await postJson({ email: 'Repeat@Acme.example', company: 'Acme', intent: 'content' });
    const firstBody = (await first.json()) as { leadId: string; status: string };
    expect(firstBody.status).toBe('created');
    await h.settle();

    const second = await postJson({ email: '  REPEAT@acme.EXAMPLE\t', intent: 'demo', jobTitle: 'CTO' });
    expect(second.status).toBe(202);
    const secondBody = (await second.json()) as { leadId: string; status: string };
    expect(secondBody).toEqual({ leadId: firstBody.leadId, status: 'updated' });
    expect(second.headers.get('location')).toBe(`/leads/${firstBody.leadId}`);
    await h.settle();

    const lead = await h.getLead(firstBody.leadId);
    expect(lead.submissionCount).toBe(2);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
    expect(lead.timeline.filter((e) => e.type === 'captured')).toHaveLength(1);
    // What the prospect said first is kept; what is new is added.
    expect(lead.profile).toMatchObject({
      email: 'repeat@acme.example',
      company: 'Acme',
      intent: 'content',
      jobTitle: 'CTO',
    });
    expect(executions(firstBody.leadId)).toHaveLength(1);
  });

  it('re-submitting just an email (a newsletter form) is recorded, not a 500', async () => {
    const email = 'newsletter-only@acme.example';
    expect((await postJson({ email })).status).toBe(202);
    await h.settle();
    const again = await postJson({ email });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ leadId: leadIdFor('demo', email), status: 'updated' });
    const lead = await h.getLead(leadIdFor('demo', email));
    expect(lead.submissionCount).toBe(2);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
  });

  it('10 parallel submissions of one email make exactly one lead with one lifecycle', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        postJson({ email: i % 2 ? 'Race@Acme.example' : 'race@acme.example', company: 'Race Inc' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      leadId: string;
      status: string;
    }>;
    const leadId = leadIdFor('demo', 'race@acme.example');
    expect(new Set(bodies.map((b) => b.leadId))).toEqual(new Set([leadId]));
    expect(bodies.filter((b) => b.status === 'created')).toHaveLength(1);
    expect(bodies.filter((b) => b.status === 'updated')).toHaveLength(9);
    await h.settle();

    const lead = await h.getLead(leadId);
    expect(lead.submissionCount).toBe(10);
    expect(lead.timeline.filter((e) => e.type === 'captured')).toHaveLength(1);
    // All nine re-submissions are counted; one scores (timeline + engagement), the rest arrived
    // inside the unit's engagement spacing, so the lead does not grow with a storm of posts.
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(1);
    expect(executions(leadId)).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body: one write, one event', async () => {
    const body = { email: 'idem@acme.example', company: 'Idem GmbH', intent: 'content' };
    const headers = { 'idempotency-key': 'order-7f3a-0001' };
    const first = await postJson(body, headers);
    expect(first.status).toBe(202);
    const firstText = await first.text();
    await h.settle();
    const second = await postJson(body, headers);
    expect(second.status).toBe(202);
    expect(await second.text()).toBe(firstText);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    await h.settle();

    const leadId = leadIdFor('demo', 'idem@acme.example');
    expect(JSON.parse(firstText)).toEqual({ leadId, status: 'created' });
    const lead = await h.getLead(leadId);
    expect(lead.submissionCount).toBe(1);
    expect(lead.timeline.filter((e) => e.type === 'resubmitted')).toHaveLength(0);
    expect(capturedEvents(leadId)).toHaveLength(1);
    expect(executions(leadId)).toHaveLength(1);
  });

  it('rejects the same key with another body with 422 and changes nothing', async () => {
    const headers = { 'idempotency-key': 'order-7f3a-0002' };
    expect((await postJson({ email: 'idem2@acme.example' }, headers)).status).toBe(202);
    const problem = await expectProblem(
      await postJson({ email: 'idem2@acme.example', company: 'Changed' }, headers),
      422,
    );
    expect(problem.title).toBe('Idempotency key reused');
    await h.settle();
    const lead = await h.getLead(leadIdFor('demo', 'idem2@acme.example'));
    expect(lead.submissionCount).toBe(1);
    expect(lead.profile).toEqual({ email: 'idem2@acme.example' });
  });

  it('lets only one of several concurrent requests with one key write', async () => {
    const body = { email: 'idem-race@acme.example' };
    const headers = { 'idempotency-key': 'order-7f3a-race' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => postJson(body, headers)));
    const statuses = responses.map((r) => r.status);
    // Either the first answer is replayed or the caller is told to retry; never a second write.
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    expect(statuses).toContain(202);
    const texts = await Promise.all(responses.filter((r) => r.status === 202).map((r) => r.text()));
    expect(new Set(texts).size).toBe(1);
    for (const conflict of responses.filter((r) => r.status === 409)) {
      expect(conflict.headers.get('retry-after')).toBe('1');
    }
    await h.settle();
    const leadId = leadIdFor('demo', 'idem-race@acme.example');
    expect((await h.getLead(leadId)).submissionCount).toBe(1);
    expect(capturedEvents(leadId)).toHaveLength(1);
  });

  it('does not remember a failed request: the corrected retry with the same key succeeds', async () => {
    const headers = { 'idempotency-key': 'order-7f3a-0003' };
    await expectProblem(await postJson({ email: 'idem3@acme' }, headers), 400);
    const retry = await postJson({ email: 'idem3@acme.example' }, headers);
    expect(retry.status).toBe(202);
  });

  it('without a key, a repeated body is a re-submission', async () => {
    const body = { email: 'no-key@acme.example', company: 'No Key Ltd' };
    await postJson(body);
    const again = (await (await postJson(body)).json()) as { status: string };
    expect(again.status).toBe('updated');
  });
});
