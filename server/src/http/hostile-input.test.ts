import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, execute } from '../db';
import { signIn } from '../modules/auth/auth.testing';
import {
  hostileRequestsFor,
  operationsOf,
  UNSAFE_TEXT_KINDS,
  type HostileRequest,
  type OpenApiDocument,
} from '../testing/hostile-input';
import { staffHeaders, type Headers } from '../testing/http';
import { startSeededTestServer } from '../testing/seeded-server';
import type { TestServer } from '../testing/server';

const SEEDED_AT = new Date('2026-03-15T04:00:00Z');

/**
 * Every committed write lands one row here, from a statement trigger on every table; a rolled-back write leaves
 * nothing. "Nothing written" for a refused request is then: this count did not move.
 */
const WRITE_LOG_SQL = `
create table hostile_write_log (id bigserial primary key, table_name text not null);
create function hostile_log_write() returns trigger language plpgsql as $$
begin
  insert into hostile_write_log (table_name) values (TG_TABLE_NAME);
  return null;
end $$;
do $$
declare t record;
begin
  for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
              and c.relname <> 'hostile_write_log' loop
    execute format('create trigger hostile_log_write after insert or update or delete or truncate on %I
                    for each statement execute function hostile_log_write()', t.relname);
  end loop;
end $$;`;

const place = (request: HostileRequest) => request.field?.split('.')[0] ?? 'body';

interface Outcome {
  request: HostileRequest;
  role: string;
  status: number;
  wrote: string[];
  fields: string[];
}

for (const kind of DATABASE_KINDS) {
  describe(`hostile input on every route of the OpenAPI document [${kind}]`, () => {
    let test: TestServer;
    let roles: [string, Headers][];

    beforeAll(async () => {
      test = await startSeededTestServer(kind, { now: SEEDED_AT, seed: 'hostile-input', members: 20 });
      const shopper = await signIn(test.url, 'sandbox-hostile-shopper');
      const staff = await Promise.all([
        staffHeaders(test, 'staff.sh', 'staff123456'),
        staffHeaders(test, 'sales.li', 'sales123456'),
        staffHeaders(test, 'operator', 'operator123456'),
        staffHeaders(test, 'admin', 'admin123456'),
      ]);
      roles = [
        ['anonymous', {}],
        ['shopper', { authorization: `Bearer ${shopper.token}` }],
        ['store staff', staff[0] as Headers],
        ['rep', staff[1] as Headers],
        ['operator', staff[2] as Headers],
        ['admin', staff[3] as Headers],
      ];
      for (const statement of WRITE_LOG_SQL.split(/;\n(?=create function|do )/)) {
        await test.testDatabase.database.db.execute(sql.raw(statement));
      }
    }, 240_000);
    afterAll(async () => {
      await test?.stop();
    });

    const writesSoFar = async () =>
      execute<{ id: number; table_name: string }>(
        test.testDatabase.database.db,
        sql.raw('select id, table_name from hostile_write_log order by id'),
      );

    const jobsFinished = async () => {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
        const [running] = await execute<{ n: number }>(
          test.testDatabase.database.db,
          sql.raw(`select count(*)::int as n from job_runs where status = 'running'`),
        );
        if (running?.n === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('a job started by an accepted request did not finish in 120 s');
    };

    it('answers hostile values in every field, each kind as every role, without a 5xx; a refusal writes nothing', async () => {
      const doc = (await (await fetch(`${test.url}/api/openapi.json`)).json()) as OpenApiDocument;
      // Signing out ends the session the later requests use, so those routes go last.
      const operations = operationsOf(doc).sort(
        (a, b) => Number(a.operation.endsWith('/logout')) - Number(b.operation.endsWith('/logout')),
      );
      const outcomes: Outcome[] = [];
      let writes = (await writesSoFar()).length;
      for (const { operation, method, secured } of operations) {
        const requests = hostileRequestsFor(doc, operation, method);
        // The first role the route lets in gets every (field, value); each further role every kind of value once
        // per place (path, query, body), which is what a role could change: the handler behind validation.
        const onePerKind = requests.filter(
          (request, index) =>
            requests.findIndex((other) => other.kind === request.kind && place(other) === place(request)) === index,
        );
        let fullSetSent = false;
        for (const [role, headers] of roles) {
          const sending = fullSetSent ? onePerKind : requests;
          for (const [index, request] of sending.entries()) {
            const response = await fetch(test.url + request.url, {
              method: request.method,
              headers: { ...headers, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
              ...(request.body === undefined || request.method === 'GET' ? {} : { body: request.body }),
            });
            const text = await response.text();
            // An accepted request may start a background job (a segment refresh); its writes belong to this request.
            if (response.status < 400) await jobsFinished();
            const log = await writesSoFar();
            const wrote = log.slice(writes).map((row) => row.table_name);
            writes = log.length;
            let fields: string[] = [];
            try {
              fields = ((JSON.parse(text) as { error?: { fields?: { field: string }[] } }).error?.fields ?? []).map(
                (f) => f.field,
              );
            } catch {
              fields = [];
            }
            outcomes.push({ request, role, status: response.status, wrote, fields });
            // A role a secured route refuses is refused before any field is read; one probe shows it. (An open
            // route's 401 is its own answer, e.g. a wrong password, and says nothing about the role.)
            if (index === 0 && secured && (response.status === 401 || response.status === 403)) break;
            fullSetSent = true;
          }
        }
      }

      const serverErrors = outcomes.filter((o) => o.status >= 500);
      // A refused sign-in is counted by the throttle and audited on purpose; those are the only writes a refusal makes.
      const SIGN_IN_BOOKKEEPING = new Set(['audit_log', 'sign_in_throttles']);
      const auditedFailedLogin = (o: Outcome) =>
        o.request.operation === '/api/staff/login' &&
        (o.status === 401 || o.status === 429) &&
        o.wrote.every((table) => SIGN_IN_BOOKKEEPING.has(table));
      const refusedButWrote = outcomes.filter((o) => o.status >= 400 && o.wrote.length > 0 && !auditedFailedLogin(o));
      const accepted = outcomes.filter((o) => o.status < 400);
      // Past sign-in, role checks, the body limit and rate limits, NUL and unpaired surrogates are refused with a 400
      // that names the field.
      const unsafeTextNotNamed = outcomes.filter(
        (o) =>
          UNSAFE_TEXT_KINDS.has(o.request.kind) &&
          ![401, 403, 413, 429].includes(o.status) &&
          !(o.status === 400 && o.fields.some((f) => f === o.request.field || f.startsWith(`${o.request.field}.`))),
      );
      // How well the baselines hold: a refusal naming only the spoiled field reached validation with all else valid.
      const refusedForSpoiledFieldOnly = outcomes.filter(
        (o) =>
          o.status === 400 &&
          o.fields.length > 0 &&
          o.fields.every((f) => o.request.field !== undefined && f.startsWith(o.request.field)),
      );
      const show = (o: Outcome) =>
        `${o.role} ${o.request.method} ${o.request.operation} ${o.request.label} → ${o.status} ${o.wrote.join(',')}`;
      console.log(
        `[${kind}] ${outcomes.length} hostile requests over ${operations.length} operations × ${roles.length} roles: ` +
          `${serverErrors.length} answered 5xx, ${accepted.length} accepted, ${refusedButWrote.length} refused but wrote, ` +
          `${refusedForSpoiledFieldOnly.length} refused naming only the spoiled field, ${unsafeTextNotNamed.length} unsafe text not refused by name`,
      );
      expect(serverErrors.map(show)).toEqual([]);
      expect(refusedButWrote.map(show)).toEqual([]);
      expect(unsafeTextNotNamed.map(show)).toEqual([]);
    }, 600_000);
  });
}
