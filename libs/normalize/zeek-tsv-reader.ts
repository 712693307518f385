// Zeek's default TSV log format → records shaped like Zeek JSON logs (literal dotted keys, `_path`
// from #path, typed values), so they go through the same Zeek parser.

export interface ZeekTsvResult {
  records: Array<{ line: number; record: Record<string, unknown> }>;
  errors: Array<{ line: number; error: string }>;
}

interface Header {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path: string | null;
  fields: string[] | null;
  types: string[] | null;
}

const HEX_ESCAPE = /\\x([0-9a-fA-F]{2})/g;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;

/** Column layout for header-less input (zeek-cut output); a #fields header in the text takes precedence. */
export interface ZeekTsvLayout {
  path?: string;
  fields?: string[];
  /** Zeek types per field (time, count, port, bool, set[string], …); without them every value stays a string. */
  types?: string[];
}

function freshHeader(layout?: ZeekTsvLayout): Header {
  return {
    separator: '\t', setSeparator: ',', emptyField: '(empty)', unsetField: '-',
    path: layout?.path ?? null, fields: layout?.fields ?? null, types: layout?.types ?? null,
  };
}

function unescapeDirective(v: string): string {
  return v.replace(HEX_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function convertScalar(type: string, text: string, field: string): unknown {
  switch (type) {
    case 'time': case 'interval': case 'double':
      if (!NUMBER.test(text)) throw new Error(`${field} (${type}) ${JSON.stringify(text.slice(0, 40))} is not a number`);
      return Number(text);
    case 'count': case 'int': case 'port': {
      if (!INTEGER.test(text)) throw new Error(`${field} (${type}) ${JSON.stringify(text.slice(0, 40))} is not an integer`);
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text; // keep 64-bit counts exact
    }
    case 'bool':
      if (text === 'T') return true;
      if (text === 'F') return false;
      throw new Error(`${field} (bool) ${JSON.stringify(text.slice(0, 10))} is not T or F`);
    default:
      return text; // addr, subnet, string, enum, pattern, …
  }
}

const CONTAINER = /^(?:set|vector|table)\[(.+)\]$/;

function convert(type: string, text: string, h: Header, field: string): unknown {
  const container = CONTAINER.exec(type);
  if (container !== null) {
    if (text === h.emptyField) return [];
    return text.split(h.setSeparator).map((item) => convertScalar(container[1], item, field));
  }
  if (text === h.emptyField) return '';
  return convertScalar(type, text, field);
}

/**
 * Reads a Zeek TSV log (one or more header blocks). Lines before a #fields header (unless a layout
 * is given), lines with the wrong number of columns and values that do not match their #types are
 * reported in `errors`.
 */
export function parseZeekTsv(text: string, layout?: ZeekTsvLayout): ZeekTsvResult {
  const result: ZeekTsvResult = { records: [], errors: [] };
  if (layout?.types !== undefined && layout.fields !== undefined && layout.types.length !== layout.fields.length) {
    return { records: [], errors: [{ line: 0, error: `layout has ${layout.fields.length} fields but ${layout.types.length} types` }] };
  }
  let h = freshHeader(layout);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    if (line.startsWith('#')) {
      // "#separator \x09" uses a space; the other directives use the separator itself.
      const cut = line.indexOf(line.startsWith('#separator ') ? ' ' : h.separator);
      const directive = cut === -1 ? line : line.slice(0, cut);
      const value = cut === -1 ? '' : line.slice(cut + 1);
      switch (directive) {
        case '#separator': h = freshHeader(); h.separator = unescapeDirective(value); break; // a new header block
        case '#set_separator': h.setSeparator = value; break;
        case '#empty_field': h.emptyField = value; break;
        case '#unset_field': h.unsetField = value; break;
        case '#path': h.path = value; break;
        case '#fields': h.fields = value.split(h.separator); break;
        case '#types': h.types = value.split(h.separator); break;
        default: break; // #open, #close, comments
      }
      continue;
    }
    if (h.fields === null) {
      result.errors.push({ line: lineNo, error: 'data line before any #fields header' });
      continue;
    }
    const values = line.split(h.separator);
    if (values.length !== h.fields.length) {
      result.errors.push({ line: lineNo, error: `has ${values.length} columns, #fields declares ${h.fields.length}` });
      continue;
    }
    try {
      const record: Record<string, unknown> = {};
      if (h.path !== null) record._path = h.path;
      for (let c = 0; c < values.length; c++) {
        if (values[c] === h.unsetField) continue;
        const field = h.fields[c];
        if (field === '__proto__') continue;
        record[field] = convert(h.types?.[c] ?? 'string', values[c], h, field);
      }
      result.records.push({ line: lineNo, record });
    } catch (err) {
      result.errors.push({ line: lineNo, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}
