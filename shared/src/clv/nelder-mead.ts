/**
 * Derivative-free minimisation (Nelder & Mead 1965) with restarts. A fresh simplex around the best
 * point is built until a restart no longer improves the value: this is the standard cure for the
 * method's known habit of stalling on a collapsed simplex short of the optimum.
 */

export interface NelderMeadOptions {
  /** Edge length of the starting simplex along each axis. Default 0.5. */
  initialStep?: number;
  /**
   * Converged when the simplex's values spread less than this × (1 + |best value|) and its
   * coordinates less than √this. Default 1e-10.
   */
  tolerance?: number;
  /** Evaluation budget over all restarts. Default 20,000. */
  maxEvaluations?: number;
  /** Default 10. */
  maxRestarts?: number;
}

export interface NelderMeadResult {
  point: number[];
  value: number;
  evaluations: number;
  restarts: number;
  /** False when the evaluation budget ran out before the simplex converged. */
  converged: boolean;
}

interface Vertex {
  point: number[];
  value: number;
}

/**
 * Minimises `objective` starting from `start`. Non-finite objective values count as +Infinity,
 * so the objective may simply return NaN/Infinity where its parameters are invalid.
 * @example
 * minimizeNelderMead(([x = 0, y = 0]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).point // ≈ [1, -2]
 */
export function minimizeNelderMead(
  objective: (point: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const initialStep = options.initialStep ?? 0.5;
  const tolerance = options.tolerance ?? 1e-10;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 10;
  let evaluations = 0;
  const evaluate = (point: number[]): Vertex => {
    evaluations++;
    const value = objective(point);
    return { point, value: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY };
  };

  let best = evaluate([...start]);
  let restarts = 0;
  for (;;) {
    const run = simplexSearch(best, evaluate, initialStep, tolerance, () => evaluations < maxEvaluations);
    const improved = best.value - run.best.value;
    best = run.best.value <= best.value ? run.best : best;
    if (!run.converged) return { ...best, evaluations, restarts, converged: false };
    if (improved <= tolerance * (1 + Math.abs(best.value)) || restarts >= maxRestarts) {
      return { ...best, evaluations, restarts, converged: true };
    }
    restarts++;
  }
}

function simplexSearch(
  start: Vertex,
  evaluate: (point: number[]) => Vertex,
  step: number,
  tolerance: number,
  withinBudget: () => boolean,
): { best: Vertex; converged: boolean } {
  const dimension = start.point.length;
  const simplex: Vertex[] = [start];
  for (let axis = 0; axis < dimension; axis++) {
    simplex.push(evaluate(start.point.map((value, i) => (i === axis ? value + step : value))));
  }
  const at = (index: number): Vertex => simplex[index] as Vertex;

  while (withinBudget()) {
    simplex.sort((p, q) => p.value - q.value);
    const best = at(0);
    const worst = at(dimension);
    if (hasCollapsed(simplex, tolerance)) return { best, converged: true };

    const centroid = new Array<number>(dimension).fill(0);
    for (let i = 0; i < dimension; i++) {
      at(i).point.forEach((value, axis) => (centroid[axis] = (centroid[axis] ?? 0) + value / dimension));
    }
    const along = (factor: number): number[] =>
      centroid.map((value, axis) => value + factor * (value - (worst.point[axis] ?? 0)));

    const reflected = evaluate(along(1));
    if (reflected.value < best.value) {
      const expanded = evaluate(along(2));
      simplex[dimension] = expanded.value < reflected.value ? expanded : reflected;
    } else if (reflected.value < at(dimension - 1).value) {
      simplex[dimension] = reflected;
    } else {
      const outside = reflected.value < worst.value;
      const contracted = evaluate(along(outside ? 0.5 : -0.5));
      if (contracted.value < Math.min(reflected.value, worst.value)) {
        simplex[dimension] = contracted;
      } else {
        for (let i = 1; i <= dimension; i++) {
          simplex[i] = evaluate(
            at(i).point.map((value, axis) => (best.point[axis] ?? 0) + 0.5 * (value - (best.point[axis] ?? 0))),
          );
        }
      }
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  return { best: at(0), converged: false };
}

function hasCollapsed(sorted: readonly Vertex[], tolerance: number): boolean {
  const best = sorted[0] as Vertex;
  const worst = sorted[sorted.length - 1] as Vertex;
  if (!(Math.abs(worst.value - best.value) <= tolerance * (1 + Math.abs(best.value)))) return false;
  return sorted.every((vertex) =>
    vertex.point.every((value, axis) => Math.abs(value - (best.point[axis] ?? 0)) <= Math.sqrt(tolerance)),
  );
}
