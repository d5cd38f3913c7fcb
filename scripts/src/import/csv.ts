/**
 * One CSV record per line (RFC 4180 quoting: fields in double quotes may hold commas, `""` is a quote).
 * Records spanning several lines are not supported: order exports keep one line per order line.
 */
export function parseCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      continue;
    }
    if (ch === '"' && atFieldStart) quoted = true;
    else field += ch;
    atFieldStart = false;
  }
  // An unterminated quote means the record continues on the next line, which this reader refuses.
  if (quoted) return null;
  fields.push(field);
  return fields;
}
