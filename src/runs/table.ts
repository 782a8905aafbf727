// One table, three renderings: cli-table3 for the terminal, GitHub Markdown, or (for --json)
// the caller prints its structured data instead.
import Table from 'cli-table3';

export type Cell = string | number | boolean | null | undefined;
export type TableMode = 'terminal' | 'markdown';

export function cellText(c: Cell, digits = 4): string {
  if (c === null || c === undefined) return '—';
  if (typeof c === 'number') {
    if (!Number.isFinite(c)) return String(c);
    if (Number.isInteger(c)) return String(c);
    if (c !== 0 && Math.abs(c) < 1e-3) return c.toExponential(2);
    return c.toFixed(digits);
  }
  return String(c);
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderTable(head: string[], rows: Cell[][], mode: TableMode, opts: { align?: ('left' | 'right')[] } = {}): string {
  const align = opts.align ?? head.map((_, i) => (i === 0 ? 'left' : 'right'));
  const text = rows.map((r) => r.map((c) => cellText(c)));
  if (mode === 'markdown') {
    const sep = align.map((a) => (a === 'right' ? '---:' : ':---'));
    return [head, sep, ...text].map((r, i) => `| ${(i === 1 ? r : r.map(mdEscape)).join(' | ')} |`).join('\n') + '\n';
  }
  // no colours (pipes, logs) and no rule between rows (long tables stay readable)
  const t = new Table({ head, colAligns: align, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const r of text) t.push(r);
  return t.toString() + '\n';
}
