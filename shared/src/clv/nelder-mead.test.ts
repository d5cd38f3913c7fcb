import { describe, expect, it } from 'vitest';
import { minimizeNelderMead } from './nelder-mead';

const rosenbrock = (point: readonly number[]): number => {
  let total = 0;
  for (let i = 0; i + 1 < point.length; i++) {
    const x = point[i] ?? 0;
    const y = point[i + 1] ?? 0;
    total += 100 * (y - x * x) ** 2 + (1 - x) ** 2;
  }
  return total;
};

describe('minimizeNelderMead', () => {
  it('finds the minimum of a shifted quadratic', () => {
    const result = minimizeNelderMead(([x = 0, y = 0]) => (x - 1) ** 2 + 3 * (y + 2) ** 2, [0, 0]);
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 4);
    expect(result.point[1]).toBeCloseTo(-2, 4);
  });

  it('follows the curved valley of the 4-dimensional Rosenbrock function to (1, 1, 1, 1)', () => {
    const result = minimizeNelderMead(rosenbrock, [-1.2, 1, -1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.value).toBeLessThan(1e-8);
    for (const coordinate of result.point) expect(coordinate).toBeCloseTo(1, 3);
  });

  it('treats NaN and Infinity as "worse than anything", so invalid regions are simply avoided', () => {
    const result = minimizeNelderMead(([x = 0]) => (x <= 0 ? Number.NaN : (Math.log(x) - 1) ** 2), [0.5]);
    expect(result.point[0]).toBeCloseTo(Math.E, 4);
  });

  it('reports an exhausted budget instead of pretending to have converged', () => {
    const result = minimizeNelderMead(rosenbrock, [-1.2, 1, -1.2, 1], { maxEvaluations: 30 });
    expect(result.converged).toBe(false);
    // the last iteration may overrun by reflection + contraction + a shrink of n points
    expect(result.evaluations).toBeLessThanOrEqual(30 + 2 + 4);
    expect(result.value).toBeLessThanOrEqual(rosenbrock([-1.2, 1, -1.2, 1]));
  });
});
