// MLflow's documented request limits (REST API 2.0, runs/log-batch; mlflow/utils/validation.py)
// and the pure functions that make our data fit them.
import { createHash } from 'node:crypto';

export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_PER_BATCH = 100;
export const MAX_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;
export const MAX_KEY_LENGTH = 250;
/** MLflow 2.x; MLflow 1.x servers allow 500 (the sync retries with the limit a server names). */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** The value length every backend store is guaranteed to accept for tags. */
export const MAX_TAG_VALUE_LENGTH = 5000;

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}
export interface KeyValue {
  key: string;
  value: string;
}
export interface Batch {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}

/**
 * Splits any number of metrics, params and tags into log-batch requests that each respect
 * MLflow's per-type and total limits. Order within each type is kept (MLflow applies a batch's
 * entries in order; for tags the last one wins).
 */
export function splitBatches(all: Batch): Batch[] {
  const out: Batch[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < all.metrics.length || p < all.params.length || t < all.tags.length) {
    const params = all.params.slice(p, p + MAX_PARAMS_PER_BATCH);
    const tags = all.tags.slice(t, t + MAX_TAGS_PER_BATCH);
    const room = Math.min(MAX_METRICS_PER_BATCH, MAX_ENTITIES_PER_BATCH - params.length - tags.length);
    const metrics = all.metrics.slice(m, m + room);
    out.push({ metrics, params, tags });
    m += metrics.length;
    p += params.length;
    t += tags.length;
  }
  return out;
}

// MLflow accepts only these characters in metric, param and tag names.
const INVALID_NAME_CHARS = /[^/\w.\- ]/g;

/** A key MLflow accepts: invalid characters become `_`, and an over-long key keeps a hash suffix. */
export function legalKey(key: string): string {
  let k = key.replace(INVALID_NAME_CHARS, '_');
  if (k.length > MAX_KEY_LENGTH) {
    const h = createHash('sha256').update(key).digest('hex').slice(0, 8);
    k = `${k.slice(0, MAX_KEY_LENGTH - 10)}~${h}`;
  }
  return k;
}

/** `value` cut to `limit` characters; the cut keeps a marker so a reader sees it is incomplete. */
export function shorten(value: string, limit: number): string {
  if (value.length <= limit) return value;
  const marker = '...[truncated]';
  return value.slice(0, Math.max(0, limit - marker.length)) + marker;
}

export interface ShortenedParams {
  params: KeyValue[];
  /** Original keys whose key or value had to be shortened. */
  shortened: string[];
}

/** Params made legal: keys per legalKey, values cut to `valueLimit`; lists which were changed. */
export function legalParams(entries: KeyValue[], valueLimit: number = MAX_PARAM_VALUE_LENGTH): ShortenedParams {
  const shortened: string[] = [];
  const params = entries.map(({ key, value }) => {
    const k = legalKey(key);
    const v = shorten(value, valueLimit);
    if (v !== value || (k !== key && key.length > MAX_KEY_LENGTH)) shortened.push(key);
    return { key: k, value: v };
  });
  return { params, shortened };
}

/** A list of keys as one tag value within the tag limit ("a, b, ... and 12 more"). */
export function keyListTag(keys: string[]): string {
  let s = '';
  for (let i = 0; i < keys.length; i++) {
    const next = (i === 0 ? '' : ', ') + keys[i];
    const rest = keys.length - i;
    if (s.length + next.length + 24 > MAX_TAG_VALUE_LENGTH) return `${s} ... and ${rest} more`;
    s += next;
  }
  return s;
}
