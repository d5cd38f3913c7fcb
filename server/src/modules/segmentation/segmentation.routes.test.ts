import { sql } from 'drizzle-orm';
import { addDays, type JobRunView } from '@member-ops/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoShop } from '../../../../scripts/src/seed';
import { DATABASE_KINDS, execute } from '../../db';
import { staffAccounts } from '../../db/schema';
import { createStaffSession } from '../../http/auth';
import { periodKey, runClaimed, SHOP_JOBS } from '../../jobs';
import { hashPassword } from '../../security/password';
import { TEST_PHONE_KEYS as phoneKeys } from '../../testing/seeded-server';
import { startTestServer, type TestServer } from '../../testing/server';
import { SEGMENT_REFRESH_JOB, STALE_RUN_AFTER_MS } from './index';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

async function staffHeaders(test: TestServer, role: 'admin' | 'operator' | 'sales_rep'): Promise<Record<string, string>> {
  const db = test.testDatabase.database.db;
  const [staff] = await db
    .insert(staffAccounts)
    .values({ username: `${role}-${Math.random()}`, displayName: role, passwordHash: await hashPassword('s3cret-pass'), role })
    .returning({ id: staffAccounts.id });
  const { token } = await createStaffSession(db, staff?.id ?? 0, test.server.clock());
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

async function call<T>(test: TestServer, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(test.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as T };
}

async function waitForRun(test: TestServer, headers: Record<string, string>, runId: number): Promise<JobRunView> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { body } = await call<{ runs: JobRunView[] }>(test, 'GET', `/api/admin/jobs/runs?job=${SEGMENT_REFRESH_JOB}`, headers);
    const run = body.runs.find((r) => r.id === runId);
    if (run && run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

for (const kind of DATABASE_KINDS) {
  describe(`segment refresh jobs API [${kind}]`, () => {
    let test: TestServer | undefined;
    const server = (): TestServer => {
      if (!test) throw new Error('the server is not ready');
      return test;
    };
    const jobRunCount = async () =>
      (await execute<{ n: number }>(server().testDatabase.database.db, sql`select count(*)::int as n from job_runs`))[0]?.n;
    beforeAll(async () => {
      // The server keeps the real clock: the stale-run check compares heartbeats written with the database's now().
      test = await startTestServer(kind);
      await seedDemoShop(test.testDatabase.database, { phoneKeys, now: SEEDED_AT, seed: 'jobs-api-test', members: 60 });
    }, 180_000);
    afterAll(async () => {
      await test?.stop();
    });

    it('refuses strangers, other roles and bad input without starting anything', async () => {
      const before = await jobRunCount();
      const anonymous = await call(
        server(),
        'POST',
        '/api/admin/jobs/refresh-segments',
        { 'content-type': 'application/json' },
        {},
      );
      expect(anonymous.status).toBe(401);
      const salesRep = await staffHeaders(server(), 'sales_rep');
      expect((await call(server(), 'POST', '/api/admin/jobs/refresh-segments', salesRep, {})).status).toBe(403);
      expect((await call(server(), 'GET', '/api/admin/jobs/runs', salesRep)).status).toBe(403);
      const admin = await staffHeaders(server(), 'admin');
      const badAsOf = await call<{ error: { fields: { field: string }[] } }>(
        server(),
        'POST',
        '/api/admin/jobs/refresh-segments',
        admin,
        { asOf: 'last tuesday' },
      );
      expect(badAsOf.status).toBe(400);
      expect(badAsOf.body.error.fields.map((f) => f.field)).toContain('body.asOf');
      const badLimit = await call<{ error: { fields: { field: string }[] } }>(
        server(),
        'GET',
        '/api/admin/jobs/runs?limit=0',
        admin,
      );
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.fields.map((f) => f.field)).toContain('query.limit');
      expect(await jobRunCount()).toBe(before);
    });

    it('runs a refresh in the background, reporting progress and recording changes under its run', async () => {
      const operator = await staffHeaders(server(), 'operator');
      const asOf = addDays(SEEDED_AT, -90);
      const started = await call<{ runId: number; asOf: string }>(
        server(),
        'POST',
        '/api/admin/jobs/refresh-segments',
        operator,
        {
          asOf: asOf.toISOString(),
        },
      );
      expect(started.status).toBe(202);
      expect(started.body.asOf).toBe(asOf.toISOString());
      const run = await waitForRun(server(), operator, started.body.runId);
      expect(run).toMatchObject({ job: SEGMENT_REFRESH_JOB, status: 'succeeded', error: null });
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
      expect(run.progress).toMatchObject({ asOf: asOf.toISOString(), members: 60 });
      const [recorded] = await execute<{ changes: number; stats_run: number }>(
        server().testDatabase.database.db,
        sql`select (select count(*)::int from segment_changes where run_id = ${run.id}) as changes,
                   (select (details->>'runId')::int from segment_stats where as_of = ${asOf}) as stats_run`,
      );
      expect(recorded).toEqual({ changes: run.progress.changes, stats_run: run.id });
      expect(recorded?.changes).toBeGreaterThan(0);
    });

    it('runs the nightly refresh as the scheduler does: once per night, naming its run on the stats and changes', async () => {
      const job = SHOP_JOBS.find((j) => j.name === SEGMENT_REFRESH_JOB);
      if (!job) throw new Error('the nightly refresh is not scheduled');
      // 03:00 Shanghai, the day after the shop was seeded.
      const scheduledAt = new Date('2026-03-15T19:00:00Z');
      const claim = { jobName: job.name, periodKey: periodKey(scheduledAt, job.period), now: scheduledAt };
      const context = server().server;
      const first = await runClaimed(context.database, claim, (progress, runId) =>
        job.run(context, scheduledAt, { runId, progress }),
      );
      if (!first.ran) throw new Error('the first claim of the night was refused');
      expect(first.result).toMatchObject({ asOf: scheduledAt.toISOString(), members: 60 });
      const again = await runClaimed(context.database, claim, (progress, runId) =>
        job.run(context, scheduledAt, { runId, progress }),
      );
      expect(again).toEqual({ ran: false, reason: 'already_claimed' });

      const [recorded] = await execute<{ stats_run: number; changes: number; other_changes: number }>(
        server().testDatabase.database.db,
        sql`select (select (details->>'runId')::int from segment_stats where as_of = ${scheduledAt}) as stats_run,
                   (select count(*)::int from segment_changes where as_of = ${scheduledAt} and run_id = ${first.runId}) as changes,
                   (select count(*)::int from segment_changes where as_of = ${scheduledAt} and run_id is distinct from ${first.runId}) as other_changes`,
      );
      expect(recorded).toEqual({ stats_run: first.runId, changes: first.result.changes, other_changes: 0 });
    });

    it('answers 409 while a refresh is running, and shows a run whose heartbeat stopped as stale and re-runnable', async () => {
      const admin = await staffHeaders(server(), 'admin');
      const db = server().testDatabase.database.db;
      const [other] = await execute<{ id: number }>(
        db,
        sql`insert into job_runs (job_name, period_key, instance_id, started_at, heartbeat_at)
            values (${SEGMENT_REFRESH_JOB}, 'another-instance', 'elsewhere', now(), now()) returning id`,
      );
      const refused = await call(server(), 'POST', '/api/admin/jobs/refresh-segments', admin, {});
      expect(refused.status).toBe(409);

      await db.execute(
        sql`update job_runs set heartbeat_at = now() - make_interval(secs => ${STALE_RUN_AFTER_MS / 1000 + 60}) where id = ${other?.id}`,
      );
      const history = await call<{ runs: JobRunView[] }>(
        server(),
        'GET',
        `/api/admin/jobs/runs?job=${SEGMENT_REFRESH_JOB}&limit=5`,
        admin,
      );
      expect(history.body.runs.find((r) => r.id === other?.id)?.status).toBe('stale');
      const rerun = await call<{ runId: number }>(server(), 'POST', '/api/admin/jobs/refresh-segments', admin, {});
      expect(rerun.status).toBe(202);
      expect((await waitForRun(server(), admin, rerun.body.runId)).status).toBe('succeeded');
    });
  });
}
