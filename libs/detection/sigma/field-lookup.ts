// How a rule's field name finds a value in an event, in this order:
//   1. raw record, the name as a literal key (Zeek JSON has keys like `id.orig_h`);
//   2. raw record, the name as a dotted path into nested JSON (`alert.signature_id`); an array on
//      the way fans out, and the result is then an array of every value found (any may match);
//   3. the normalized map, by name.
// The first step that yields a value other than `undefined` wins (a literal `null` wins too, so
// `field: null` and `exists` see it). Only own properties count: `constructor` is not a field.

import type { SigmaEvent } from './types';

export type FieldGetter = (event: SigmaEvent) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

function ownValue(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  return hasOwn.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function collectPath(node: unknown, path: string[], i: number, out: unknown[]): void {
  if (node === undefined) return;
  if (i === path.length) {
    if (Array.isArray(node)) for (const el of node) out.push(el);
    else out.push(node);
    return;
  }
  if (Array.isArray(node)) {
    for (const el of node) collectPath(el, path, i, out);
    return;
  }
  collectPath(ownValue(node, path[i]), path, i + 1, out);
}

/** Dotted-path lookup; returns undefined, a single value, or (after an array) an array of values. */
export function lookupPath(root: unknown, path: string[]): unknown {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      collectPath(node, path, i, out);
      return out.length === 0 ? undefined : out;
    }
    node = ownValue(node, path[i]);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Generic lookup, evaluated from scratch each call (used by the naive interpreter). */
export function lookupField(event: SigmaEvent, name: string): unknown {
  let v = ownValue(event.raw, name);
  if (v !== undefined) return v;
  if (name.includes('.')) {
    v = lookupPath(event.raw, name.split('.'));
    if (v !== undefined) return v;
  }
  return ownValue(event.normalized, name);
}

/** Precomputed getter for one field name (compiled path). */
export function compileFieldGetter(name: string): FieldGetter {
  const unsafe = name in Object.prototype;
  if (!name.includes('.')) {
    if (unsafe) return (e) => lookupField(e, name);
    return (e) => {
      const v = e.raw[name];
      return v !== undefined ? v : e.normalized[name];
    };
  }
  const path = name.split('.');
  const pathUnsafe = unsafe || path.some((p) => p in Object.prototype);
  if (pathUnsafe) return (e) => lookupField(e, name);
  if (path.length === 2) {
    const [a, b] = path;
    return (e) => {
      const raw = e.raw;
      let v = raw[name];
      if (v !== undefined) return v;
      const first = raw[a];
      if (first !== null && typeof first === 'object') {
        if (Array.isArray(first)) {
          v = lookupPath(raw, path);
        } else {
          v = (first as Record<string, unknown>)[b];
        }
        if (v !== undefined) return v;
      }
      return e.normalized[name];
    };
  }
  return (e) => {
    let v = e.raw[name];
    if (v !== undefined) return v;
    v = lookupPath(e.raw, path);
    if (v !== undefined) return v;
    return e.normalized[name];
  };
}

/**
 * Leaf values searched by keywords: every string, number and boolean anywhere in the raw
 * record (recursing into objects and arrays), as strings. Keys are not searched.
 */
export function collectKeywordTexts(raw: unknown, out: string[] = []): string[] {
  if (typeof raw === 'string') out.push(raw);
  else if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') out.push(String(raw));
  else if (Array.isArray(raw)) for (const el of raw) collectKeywordTexts(el, out);
  else if (raw !== null && typeof raw === 'object') for (const k of Object.keys(raw)) collectKeywordTexts((raw as Record<string, unknown>)[k], out);
  return out;
}
