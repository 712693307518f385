// Static checks of the chart's template sources, independent of the renderer: balanced actions,
// .Values paths that exist, included templates that are defined.

export interface ValuesReference {
  path: string[];
  line: number;
}

/**
 * Problems with the `{{ }}` structure of one template: an action never closed, a `}}` with no
 * `{{`, if/range/with/define without end, end or else out of place. One line each, with its line.
 */
export function checkActionBalance(source: string, file: string): string[] {
  const problems: string[] = [];
  const stack: { keyword: string; line: number }[] = [];
  let pos = 0;
  const lineAt = (i: number) => source.slice(0, i).split('\n').length;
  for (;;) {
    const open = source.indexOf('{{', pos);
    const strayClose = source.indexOf('}}', pos);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      problems.push(`${file}:${lineAt(strayClose)}: "}}" without a matching "{{"`);
      pos = strayClose + 2;
      continue;
    }
    if (open === -1) break;
    const inner = source.slice(open + 2).replace(/^-\s/, '  ');
    if (inner.trimStart().startsWith('/*')) {
      const endComment = source.indexOf('*/', open);
      const after = endComment === -1 ? null : source.slice(endComment + 2).match(/^\s*-?\}\}/);
      if (!after) {
        problems.push(`${file}:${lineAt(open)}: comment not closed with */}} or */ -}}`);
        break;
      }
      pos = endComment + 2 + after[0].length;
      continue;
    }
    const close = source.indexOf('}}', open + 2);
    const nextOpen = source.indexOf('{{', open + 2);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      problems.push(`${file}:${lineAt(open)}: "{{" is never closed with "}}"`);
      pos = open + 2;
      continue;
    }
    const body = source.slice(open + 2, close).replace(/^-\s/, '').replace(/\s-$/, '').trim();
    pos = close + 2;
    const keyword = body.match(/^[a-z]+/)?.[0];
    const line = lineAt(open);
    if (keyword === 'if' || keyword === 'range' || keyword === 'with' || keyword === 'define' || keyword === 'block') {
      stack.push({ keyword, line });
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.keyword === 'define') problems.push(`${file}:${line}: else outside if/range/with`);
    } else if (keyword === 'end') {
      if (!stack.pop()) problems.push(`${file}:${line}: end without an open if/range/with/define`);
    }
  }
  for (const open of stack) problems.push(`${file}:${open.line}: ${open.keyword} is never closed with end`);
  return problems;
}

/** Every `.Values.a.b` path a template reads (through `.Values`, `$.Values`, `.root.Values`, `$root.Values`). */
export function valuesReferences(source: string): ValuesReference[] {
  const refs: ValuesReference[] = [];
  const re = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;
  for (const m of source.matchAll(re)) {
    refs.push({ path: m[1].slice(1).split('.'), line: source.slice(0, m.index).split('\n').length });
  }
  return refs;
}

/** Whether `path` names a key present in `values` (a key holding null or false still exists). */
export function hasValuesPath(values: unknown, path: string[]): boolean {
  let cur: unknown = values;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !(key in cur)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}

/** Field names read from a variable, e.g. `$w.autoscaling.enabled` gives ["autoscaling", ...] first segments. */
export function variableFields(source: string, variable: string): { field: string; line: number }[] {
  const re = new RegExp(`\\${variable}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g');
  return [...source.matchAll(re)].map((m) => ({ field: m[1], line: source.slice(0, m.index).split('\n').length }));
}

export function definedTemplates(source: string): string[] {
  return [...source.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]);
}

export function includedTemplates(source: string): { name: string; line: number }[] {
  return [...source.matchAll(/(?:include|template)\s+"([^"]+)"/g)].map((m) => ({ name: m[1], line: source.slice(0, m.index).split('\n').length }));
}
