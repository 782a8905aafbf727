// The resolved spec as MLflow params: one dotted key per leaf. Written here because src/spec
// has no flattenSpec yet; MLflow needs its own rules anyway: list indices become `.0.` (MLflow
// rejects `[` in names), a list of plain values stays one param (features: [a, b, c] reads
// better as one JSON value than as 28 params), and the tracking block is left out (it names
// the server, which is not a property of the experiment).

const EXCLUDED_TOP_LEVEL = new Set(['tracking', 'extends']);

export function flattenForParams(spec: unknown): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0 || node.every((x) => x === null || typeof x !== 'object')) {
        out.push({ key: path, value: JSON.stringify(node) });
      } else {
        node.forEach((x, i) => walk(x, `${path}.${i}`));
      }
      return;
    }
    if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node as Record<string, unknown>);
      if (entries.length === 0) {
        if (path !== '') out.push({ key: path, value: '{}' });
        return;
      }
      for (const [k, v] of entries) {
        if (path === '' && EXCLUDED_TOP_LEVEL.has(k)) continue;
        walk(v, path === '' ? k : `${path}.${k}`);
      }
      return;
    }
    if (path === '') return;
    out.push({ key: path, value: node === null ? 'null' : typeof node === 'string' ? node : String(node) });
  };
  walk(spec, '');
  return out;
}
