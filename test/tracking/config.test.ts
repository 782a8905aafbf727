import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { ExpError } from '../../src/errors.ts';
import { authHeader, resolveTrackingConfig } from '../../src/tracking/config.ts';

test('no spec block and no MLFLOW_TRACKING_URI: tracking is off', () => {
  assert.equal(resolveTrackingConfig(undefined, {}), null);
  assert.equal(resolveTrackingConfig({ mlflow: null }, {}), null);
  assert.equal(resolveTrackingConfig({}, { MLFLOW_TRACKING_URI: '' }), null);
});

test('environment alone turns tracking on, with MLflow client defaults', () => {
  const c = resolveTrackingConfig({ mlflow: null }, { MLFLOW_TRACKING_URI: 'http://mlflow.lab:5000/', MLFLOW_EXPERIMENT_NAME: 'higgs' })!;
  assert.equal(c.uri, 'http://mlflow.lab:5000');
  assert.equal(c.experiment, 'higgs');
  assert.equal(c.artifacts, true);
  assert.equal(c.timeoutMs, 10_000);
  assert.equal(c.maxRetryMs, 60_000);
  assert.equal(c.insecureTls, false);
  assert.equal(authHeader(c), undefined);
});

test('the spec block wins over the environment, field by field', () => {
  const c = resolveTrackingConfig(
    { mlflow: { uri: 'https://tracking.example/mlflow', experiment: 'spec-exp', run_name: 'r1', tags: { team: 'hep' }, artifacts: false, timeout_ms: 500, max_retry_ms: 0 } },
    { MLFLOW_TRACKING_URI: 'http://other:5000', MLFLOW_EXPERIMENT_NAME: 'env-exp' },
  )!;
  assert.equal(c.uri, 'https://tracking.example/mlflow');
  assert.equal(c.experiment, 'spec-exp');
  assert.equal(c.runName, 'r1');
  assert.deepEqual(c.tags, { team: 'hep' });
  assert.equal(c.artifacts, false);
  assert.equal(c.timeoutMs, 500);
  assert.equal(c.maxRetryMs, 0);
});

test('MLFLOW_TRACKING_TOKEN gives a bearer header; it is in no serialisation of the config', () => {
  const token = 'tok-SECRET-123456';
  const c = resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: 'http://h:5000', MLFLOW_TRACKING_TOKEN: token })!;
  assert.equal(authHeader(c), `Bearer ${token}`);
  assert.ok(!JSON.stringify(c).includes(token), '!JSON.stringify(c).includes(token)');
  assert.ok(!inspect(c, { depth: 10 }).includes(token));
  // A copy made by spreading keeps working credentials and still hides them.
  const copy = { ...c, runName: 'other' };
  assert.equal(authHeader(copy), `Bearer ${token}`);
  assert.ok(!JSON.stringify(copy).includes(token), '!JSON.stringify(copy).includes(token)');
});

test('username and password give basic auth (RFC 7617 base64 of user:password)', () => {
  const c = resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: 'http://h:5000', MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pa:ss' })!;
  assert.equal(authHeader(c), 'Basic ' + Buffer.from('ann:pa:ss').toString('base64'));
  assert.ok(!JSON.stringify(c).includes('pa:ss'), '!JSON.stringify(c).includes("pa:ss")');
});

test('credentials inside the URI are moved out of it', () => {
  const c = resolveTrackingConfig({ mlflow: { uri: 'https://bob:s3cr%40t@mlflow.example:8443' } }, {})!;
  assert.equal(c.uri, 'https://mlflow.example:8443');
  assert.equal(authHeader(c), 'Basic ' + Buffer.from('bob:s3cr@t').toString('base64'));
  assert.ok(!JSON.stringify(c).includes('s3cr'), '!JSON.stringify(c).includes("s3cr")');
});

test('the token wins over basic credentials, as in the MLflow client', () => {
  const c = resolveTrackingConfig(undefined, {
    MLFLOW_TRACKING_URI: 'http://h',
    MLFLOW_TRACKING_TOKEN: 'tttt',
    MLFLOW_TRACKING_USERNAME: 'u',
    MLFLOW_TRACKING_PASSWORD: 'p',
  })!;
  assert.equal(authHeader(c), 'Bearer tttt');
});

test('MLFLOW_TRACKING_INSECURE_TLS=true (any case) disables certificate checks; other values do not', () => {
  assert.equal(resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: 'https://h', MLFLOW_TRACKING_INSECURE_TLS: 'TRUE' })!.insecureTls, true);
  assert.equal(resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: 'https://h', MLFLOW_TRACKING_INSECURE_TLS: '1' })!.insecureTls, false);
});

test('a non-HTTP tracking URI is refused with where it came from', () => {
  assert.throws(
    () => resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: 'file:./mlruns' }),
    (e: unknown) => e instanceof ExpError && e.kind === 'usage' && /MLFLOW_TRACKING_URI=file:\.\/mlruns/.test(e.message) && /REST/.test(e.message),
  );
  assert.throws(
    () => resolveTrackingConfig({ mlflow: { uri: 'databricks://x' } }, {}),
    (e: unknown) => e instanceof ExpError && e.kind === 'spec' && e.problems[0]!.path === 'tracking.mlflow.uri',
  );
});

test('a spec MLflow block without any address is a spec error naming the key', () => {
  assert.throws(
    () => resolveTrackingConfig({ mlflow: { experiment: 'x' } }, {}),
    (e: unknown) => e instanceof ExpError && e.kind === 'spec' && e.problems[0]!.path === 'tracking.mlflow.uri' && /MLFLOW_TRACKING_URI/.test(e.message),
  );
  // ...but the environment can supply it.
  assert.equal(resolveTrackingConfig({ mlflow: { experiment: 'x' } }, { MLFLOW_TRACKING_URI: 'http://h:1' })!.experiment, 'x');
});

test('half a basic credential is an error, not a silent anonymous request', () => {
  assert.throws(
    () => resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_USERNAME: 'u' }),
    (e: unknown) => e instanceof ExpError && /MLFLOW_TRACKING_PASSWORD/.test(e.message),
  );
});
