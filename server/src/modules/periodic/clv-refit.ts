import { sql } from 'drizzle-orm';
import {
  bgNbdExpectedPurchases,
  bgNbdProbabilityAlive,
  fitBgNbd,
  fitGammaGamma,
  forecastCustomerValue,
  shanghaiDate,
  type BgNbdFit,
  type ClvModels,
  type GammaGammaFit,
} from '@member-ops/shared';
import { execute, type Executor } from '../../db';
import type { ServerContext } from '../../server';
import { CLV_UNIT_DAYS, clvSummaries, type ClvMemberSummary } from './clv-summary';
import { bigintArray, numberArray } from './sql-arrays';

/** At most this many members are fitted on (a deterministic sample beyond it); scoring covers every buyer. */
export const CLV_FIT_SAMPLE = 50_000;
/** Members scored and written per round trip; only one page is ever held in memory. */
export const CLV_PAGE = 5_000;
export const CLV_HORIZON_DAYS = 365;
export const CLV_SHORT_HORIZON_DAYS = 90;
/** Yearly discount rate of the stored 365-day value (the shared `forecastCustomerValue` default). */
export const CLV_ANNUAL_DISCOUNT_RATE = 0.1;

export type ClvRefitResult =
  | { fitted: true; fitId: number; fittedOn: number; sampled: boolean; scored: number; withoutValue: number; cleared: number }
  | { fitted: false; reason: string; buyers: number };

interface Scoring {
  pAlive: number | null;
  expectedPurchases90: number | null;
  expectedPurchases365: number | null;
  expectedValue365Fen: number | null;
}

/** Finite and ≥ 0, else null: a prediction the model cannot give is stored as unknown, never as NaN. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * One member's predictions from the fitted models with the shared functions: P(alive), expected purchase days
 * in the next 90 and 365 days, and the 365-day value in fen (`forecastCustomerValue`, monthly discounting at
 * {@link CLV_ANNUAL_DISCOUNT_RATE}, rounded). The value is null when there is no spend model, or when Gamma-Gamma
 * has no finite mean for this member (p·x + q ≤ 1).
 */
export function scoreMember(
  fit: { bgNbd: ClvModels['bgNbd']; gammaGamma: ClvModels['gammaGamma'] | null },
  member: ClvMemberSummary,
): Scoring {
  const customer = { x: member.x, tx: member.tx, T: member.T };
  const weeks = (days: number) => days / CLV_UNIT_DAYS;
  const spendModel = fit.gammaGamma;
  const hasValue = spendModel !== null && spendModel.p * member.x + spendModel.q - 1 > 0;
  const value = hasValue
    ? forecastCustomerValue(
        { bgNbd: fit.bgNbd, gammaGamma: spendModel },
        { ...customer, monetary: member.monetary },
        { horizonDays: CLV_HORIZON_DAYS, annualDiscountRate: CLV_ANNUAL_DISCOUNT_RATE, unitDays: CLV_UNIT_DAYS },
      ).discountedValue
    : Number.NaN;
  const pAlive = bgNbdProbabilityAlive(fit.bgNbd, customer);
  return {
    pAlive: Number.isFinite(pAlive) && pAlive >= 0 && pAlive <= 1 ? pAlive : null,
    expectedPurchases90: finiteOrNull(bgNbdExpectedPurchases(fit.bgNbd, customer, weeks(CLV_SHORT_HORIZON_DAYS))),
    expectedPurchases365: finiteOrNull(bgNbdExpectedPurchases(fit.bgNbd, customer, weeks(CLV_HORIZON_DAYS))),
    expectedValue365Fen: hasValue ? finiteOrNull(Math.round(value)) : null,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The weekly CLV refit on the shop's own orders as of `now`: BG/NBD and Gamma-Gamma are fitted (shared
 * fitBgNbd / fitGammaGamma) on the summaries of at most {@link CLV_FIT_SAMPLE} buyers — all of them in a
 * smaller shop, else a deterministic hash sample, which estimates four and three population parameters
 * well and keeps the fit to about a second. The fit is stored in clv_fits; then every buyer is scored in
 * pages of {@link CLV_PAGE} (keyset on member id: summaries by one SQL aggregate, predictions with the
 * shared functions, one upsert per page) and predictions left from an older fit for members who are no
 * longer buyers are cleared. When the shop has no repeat buyer the models cannot be fitted: nothing is
 * written and the reason is returned (the job run records it).
 */
export async function refitClv(context: Pick<ServerContext, 'database'>, now: Date): Promise<ClvRefitResult> {
  const db = context.database.db;
  const sample = await clvSummaries(db, now, { sample: { size: CLV_FIT_SAMPLE } });
  let bgNbd: BgNbdFit;
  try {
    bgNbd = fitBgNbd(sample);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { fitted: false, reason: errorMessage(error), buyers: sample.length };
  }
  let gammaGamma: GammaGammaFit | null = null;
  let gammaGammaError: string | null = null;
  try {
    gammaGamma = fitGammaGamma(sample);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    gammaGammaError = errorMessage(error);
  }
  const fitId = await storeFit(db, now, { bgNbd, gammaGamma, gammaGammaError, fittedOn: sample.length });

  const models = { bgNbd: bgNbd.params, gammaGamma: gammaGamma?.params ?? null };
  let scored = 0;
  let withoutValue = 0;
  let afterMemberId = 0;
  for (;;) {
    const page = await clvSummaries(db, now, { page: { afterMemberId, size: CLV_PAGE } });
    const scores = page.map((member) => scoreMember(models, member));
    await writeScores(db, page, scores, now);
    scored += page.length;
    withoutValue += scores.filter((score) => score.expectedValue365Fen === null).length;
    const last = page[page.length - 1];
    if (!last || page.length < CLV_PAGE) break;
    afterMemberId = last.memberId;
  }
  const cleared = await clearStalePredictions(db, now);
  return { fitted: true, fitId, fittedOn: sample.length, sampled: scored > sample.length, scored, withoutValue, cleared };
}

async function storeFit(
  db: Executor,
  now: Date,
  fit: { bgNbd: BgNbdFit; gammaGamma: GammaGammaFit | null; gammaGammaError: string | null; fittedOn: number },
): Promise<number> {
  const params = { ...fit.bgNbd.params, ...(fit.gammaGamma?.params ?? {}) };
  const diagnostics = {
    unitDays: CLV_UNIT_DAYS,
    calibrationEnd: shanghaiDate(now),
    sampleCap: CLV_FIT_SAMPLE,
    horizonDays: CLV_HORIZON_DAYS,
    annualDiscountRate: CLV_ANNUAL_DISCOUNT_RATE,
    bgNbd: { logLikelihood: fit.bgNbd.logLikelihood, converged: fit.bgNbd.converged, evaluations: fit.bgNbd.evaluations },
    gammaGamma: fit.gammaGamma
      ? {
          logLikelihood: fit.gammaGamma.logLikelihood,
          converged: fit.gammaGamma.converged,
          customers: fit.gammaGamma.customers,
        }
      : { error: fit.gammaGammaError },
  };
  const [row] = await execute<{ id: number }>(
    db,
    sql`insert into clv_fits (fitted_at, as_of, customers, params, diagnostics)
        values (${now}, ${now}, ${fit.fittedOn}, ${JSON.stringify(params)}::jsonb, ${JSON.stringify(diagnostics)}::jsonb)
        returning id`,
  );
  if (!row) throw new Error('clv_fits insert returned nothing');
  return row.id;
}

async function writeScores(db: Executor, page: readonly ClvMemberSummary[], scores: readonly Scoring[], now: Date) {
  if (page.length === 0) return;
  await db.execute(
    sql`insert into member_metrics as mm (member_id, p_alive, expected_purchases_90, expected_purchases_365,
                                          expected_value_365_fen, clv_as_of, updated_at)
        select u.member_id, u.p_alive, u.e90, u.e365, u.value, ${now}, ${now}
        from unnest(${bigintArray(page.map((m) => m.memberId))}::bigint[],
                    ${numberArray(scores.map((s) => s.pAlive))}::float8[],
                    ${numberArray(scores.map((s) => s.expectedPurchases90))}::float8[],
                    ${numberArray(scores.map((s) => s.expectedPurchases365))}::float8[],
                    ${numberArray(scores.map((s) => s.expectedValue365Fen))}::int8[]) as u(member_id, p_alive, e90, e365, value)
        on conflict (member_id) do update set
          p_alive = excluded.p_alive, expected_purchases_90 = excluded.expected_purchases_90,
          expected_purchases_365 = excluded.expected_purchases_365, expected_value_365_fen = excluded.expected_value_365_fen,
          clv_as_of = excluded.clv_as_of, updated_at = excluded.updated_at`,
  );
}

/** Members scored by an earlier fit but not by this one (their purchases were all refunded since). */
async function clearStalePredictions(db: Executor, now: Date): Promise<number> {
  const rows = await execute<{ member_id: number }>(
    db,
    sql`update member_metrics set p_alive = null, expected_purchases_90 = null, expected_purchases_365 = null,
               expected_value_365_fen = null, clv_as_of = ${now}, updated_at = ${now}
        where clv_as_of < ${now} and (p_alive is not null or expected_value_365_fen is not null)
        returning member_id`,
  );
  return rows.length;
}
