import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { spawn } from 'node:child_process';
import { writeRunReport } from '../../src/runs/report.ts';
import { rocRejectionSvg, lossSvg } from '../../src/runs/plots/figures.ts';
import { fakeRun } from './helpers.ts';
import { checkWellFormed } from './xml.ts';

const CHROMIUM = '/usr/bin/chromium';

function makeRun() {
  const runsDir = mkdtempSync(join(tmpdir(), 'exp-report-'));
  const dir = fakeRun(runsDir, {
    id: '20260101-100000-demo-abcdef',
    name: 'demo <&> "quoted"',
    startedAt: '2026-01-01T10:00:00Z',
    models: { shallow: { shift: 1, seed: 1 }, deep: { shift: 1.6, seed: 2 } },
    n: 3000,
  });
  return { dir, files: writeRunReport(dir) };
}

test('the checker itself rejects broken markup', () => {
  assert.deepEqual(checkWellFormed('<svg><g><line x="1"/></g></svg>'), []);
  assert.ok(checkWellFormed('<svg><g></svg>').length > 0);
  assert.ok(checkWellFormed('<svg><text>a < b</text></svg>').length > 0);
  assert.ok(checkWellFormed('<svg><text>a & b</text></svg>').length > 0);
});

test('plots are well-formed SVG with the expected content', () => {
  const { dir, files } = makeRun();
  const names = readdirSync(join(dir, 'plots')).sort();
  assert.deepEqual(names, ['loss.svg', 'roc.svg', 'roc_rejection.svg', 'scores_deep.svg', 'scores_shallow.svg']);
  assert.equal(files.length, 6);
  for (const n of names) {
    const svg = readFileSync(join(dir, 'plots', n), 'utf8');
    assert.deepEqual(checkWellFormed(svg), [], n);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  }
  const rej = readFileSync(join(dir, 'plots', 'roc_rejection.svg'), 'utf8');
  assert.equal((rej.match(/<polyline/g) ?? []).length, 2, 'one curve per model');
  assert.match(rej, /deep \(AUC 0\.\d{4}\)/);
  // labels with markup characters are escaped
  const odd = rocRejectionSvg([{ label: 'a<b & "c"', fpr: [0, 0.5, 1], tpr: [0, 0.9, 1] }]);
  assert.deepEqual(checkWellFormed(odd), []);
  assert.match(odd, /a&lt;b &amp; &quot;c&quot;/);
  // degenerate inputs still give valid figures
  assert.deepEqual(checkWellFormed(lossSvg([{ model: 'm', epochs: [{ epoch: 1, loss: 0.5 }] }])), []);
  assert.deepEqual(checkWellFormed(lossSvg([])), []);
});

test('report.html is well-formed, self-contained and holds spec, metrics and plots', () => {
  const { dir } = makeRun();
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.deepEqual(checkWellFormed(html, { html: true }), []);
  assert.doesNotMatch(html, /https?:\/\//, 'no http(s) URL at all, not even SVG namespaces');
  assert.doesNotMatch(html, /<(script|link|img|iframe)\b/i);
  assert.doesNotMatch(html, /@import|url\((?!#)/);
  assert.equal((html.match(/<svg/g) ?? []).length, 5);
  assert.match(html, /demo &lt;&amp;&gt; &quot;quoted&quot;/);
  assert.match(html, /<td>deep<\/td><td>0\.\d{4}<\/td>/);
  assert.match(html, /name: demo/); // spec.yaml
});

/** A TCP listener used as Chromium's proxy: every network request would arrive here. */
async function proxy(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((sock) => {
    sock.once('data', (d) => hits.push(String(d).split('\r\n')[0]!));
    sock.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, hits };
}

// Chromium's own service traffic (component updater, network time, sign-in), which still
// starts in headless mode despite the flags below. Exact host names: a report that pulled
// e.g. fonts.googleapis.com or any CDN would still be caught.
const CHROMIUM_SERVICE_HOSTS = new Set(['update.googleapis.com', 'accounts.google.com', 'clients2.google.com', 'redirector.gvt1.com', 'optimizationguide-pa.googleapis.com', 'safebrowsingohttpgateway.googleapis.com', 'content-autofill.googleapis.com']);

function pageRequests(hits: string[]): string[] {
  return hits.filter((h) => {
    const target = h.split(' ')[1] ?? '';
    const host = target.includes('://') ? new URL(target).hostname : target.split(':')[0]!;
    return !CHROMIUM_SERVICE_HOSTS.has(host);
  });
}

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-extensions',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-domain-reliability', '--no-pings',
  '--disable-client-side-phishing-detection', '--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate',
];

function chromium(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const profile = mkdtempSync(join(tmpdir(), 'exp-chromium-'));
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
      resolve({ code, stdout });
    });
  });
}

test('report.html and the SVGs render in headless Chromium without network requests', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed: apt-get update && apt-get install -y chromium` }, async () => {
  const { dir } = makeRun();
  const px = await proxy();
  const prox = [`--proxy-server=http://127.0.0.1:${px.port}`, '--proxy-bypass-list=<-loopback>'];
  try {
    // Control: a page with one external image must hit the proxy, else the check proves nothing.
    const control = join(dir, 'control.html');
    writeFileSync(control, '<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"></body></html>');
    await chromium([...prox, '--virtual-time-budget=3000', '--dump-dom', `file://${control}`]);
    assert.ok(pageRequests(px.hits).some((h) => h.includes('example.invalid')), 'the control page reached the proxy');
    px.hits.length = 0;

    const dom = await chromium([...prox, '--virtual-time-budget=3000', '--dump-dom', `file://${join(dir, 'report.html')}`]);
    assert.equal(dom.code, 0);
    assert.equal((dom.stdout.match(/<svg/g) ?? []).length, 5, 'all five figures in the rendered DOM');
    assert.match(dom.stdout, /Background rejection vs signal efficiency/);
    const shot = join(dir, 'shot.png');
    await chromium([...prox, '--window-size=1300,2000', `--screenshot=${shot}`, `file://${join(dir, 'report.html')}`]);
    assert.ok(readFileSync(shot).length > 20_000, 'a non-trivial screenshot');
    const svgShot = join(dir, 'roc.png');
    await chromium([...prox, '--window-size=640,440', `--screenshot=${svgShot}`, `file://${join(dir, 'plots', 'roc_rejection.svg')}`]);
    assert.ok(readFileSync(svgShot).length > 5_000);
    assert.deepEqual(pageRequests(px.hits), [], 'no network requests');
  } finally {
    px.server.close();
  }
});

test('a run without evaluations (failed early) still gets a report', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'exp-report-'));
  const dir = fakeRun(runsDir, { id: '20260101-100000-x-abcdef', status: 'failed', startedAt: '2026-01-01T10:00:00Z' });
  writeRunReport(dir);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /status-failed/);
  assert.match(html, /No models evaluated/);
  assert.deepEqual(checkWellFormed(html, { html: true }), []);
});

test('finish() redraws a report written while the run was running', async () => {
  const { createRun } = await import('../../src/runs/run.ts');
  const run = createRun({ runsDir: mkdtempSync(join(tmpdir(), 'exp-report-')), name: 'r', specText: 'name: r\n', resolvedSpec: {} });
  writeRunReport(run.dir);
  assert.match(readFileSync(join(run.dir, 'report.html'), 'utf8'), /class="status-running">running</);
  run.finish('interrupted', { error: { message: 'SIGINT' } });
  const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
  assert.match(html, /class="status-interrupted">interrupted<\/span> — SIGINT/);
});
