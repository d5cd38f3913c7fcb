import type { Rejection } from './rejections';

/**
 * An import that cannot go ahead: the file cannot be read, is cut off or damaged, has the wrong header, or too
 * many of its lines were rejected. The message is one sentence for the operator; the transaction is rolled
 * back, so nothing was written. `report` holds the rejected lines found so far (examples), for the report file.
 */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(
    message: string,
    readonly report: readonly Rejection[] = [],
  ) {
    super(message);
  }
}
