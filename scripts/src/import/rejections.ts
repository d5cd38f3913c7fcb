/**
 * The rejected lines of an import: counted per problem, with a bounded number of examples per problem kept for
 * the report. A file with 400,000 bad lines must not hold 400,000 objects (nor spread them into one call).
 */

export interface Rejection {
  line: number;
  reason: string;
}

/** Examples kept per problem; the counts are always complete. */
export const EXAMPLES_PER_PROBLEM = 1000;

export class RejectionLog {
  readonly #counts = new Map<string, number>();
  readonly #examples = new Map<string, Rejection[]>();
  #total = 0;

  /** Records one rejected line; `problem` names the kind of rejection (the reason without its values). */
  add(problem: string, rejection: Rejection): void {
    this.addCounted(problem, 1, [rejection]);
  }

  /** Records `count` rejected lines of one problem, of which `examples` (at most EXAMPLES_PER_PROBLEM are kept). */
  addCounted(problem: string, count: number, examples: readonly Rejection[]): void {
    if (count <= 0) return;
    this.#total += count;
    this.#counts.set(problem, (this.#counts.get(problem) ?? 0) + count);
    const kept = this.#examples.get(problem) ?? [];
    for (const example of examples) {
      if (kept.length >= EXAMPLES_PER_PROBLEM) break;
      kept.push(example);
    }
    this.#examples.set(problem, kept);
  }

  get total(): number {
    return this.#total;
  }

  /** Count per problem, the most frequent first. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  }

  /** The kept examples of every problem, by line number. */
  examples(): Rejection[] {
    const all: Rejection[] = [];
    for (const list of this.#examples.values()) for (const example of list) all.push(example);
    return all.sort((a, b) => a.line - b.line);
  }
}
