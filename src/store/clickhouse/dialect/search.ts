// ClickHouse rendering of the SLS search AST (src/query/search/ast.ts) as one boolean (UInt8)
// expression over the columns of the `kaudit_events` relation. Same semantics as the DuckDB
// renderer (src/store/duckdb/dialect/search.ts), which is the reference the parity suite checks:
//
// - A token test is an RE2 token-boundary match, `(^|D)token($|D)` with D the SLS delimiter class,
//   over lower-cased text (`match()`, present in every release), behind a cheap prefilter on the
//   token's longest literal run: `hasToken` where the server has it (20.1; it uses a tokenbf_v1
//   skip index) and the literal is one ClickHouse token, else `position`. hasToken's separators
//   (every ASCII character but letters and digits) include all SLS delimiters, so every SLS match
//   also passes it (no false negatives).
// - Every leaf is two-valued: a log without the field does not match it (`ifNull(…, 0)`), so
//   `not leaf` keeps that log (sls-query.md §3.3).
// - Full text is `_text` (built at ingest exactly as DuckDB's); text columns are `lowerUTF8(col)`
//   (DuckDB's lower is Unicode-aware, ClickHouse's `lower` is ASCII-only); JSON columns and paths
//   are their JSON text with the escapes that stand for delimiters turned into spaces.
// - Paths inside JSON columns need JSONExtract (20.1); without it the search is not pushable and
//   the planner applies it in DuckDB (plan.ts).
import type { FieldRef, SearchNode, TokenPattern } from '../../../query/search/ast.js';
import { longestLiteral } from '../../../query/search/tokens.js';
import { DELIM, escapeRegex, tokenRegex } from '../../../query/search/re2.js';
import type { DialectFeatures } from './features.js';
import { NotPushable, quoteIdent, quoteString, sqlNumber } from './quote.js';

/** Renders a search AST as a ClickHouse UInt8 expression (no leading WHERE). */
export function searchToClickHouse(node: SearchNode, features: DialectFeatures): string {
  return new SearchRenderer(features).render(node);
}

class SearchRenderer {
  constructor(private readonly f: DialectFeatures) {}

  render(node: SearchNode): string {
    switch (node.type) {
      case 'all':
        return '1';
      case 'and': {
        const [l, r] = [this.render(node.left), this.render(node.right)];
        return l === '1' ? r : r === '1' ? l : `(${l} AND ${r})`;
      }
      case 'or': {
        const [l, r] = [this.render(node.left), this.render(node.right)];
        return l === '1' || r === '1' ? '1' : `(${l} OR ${r})`;
      }
      case 'not': {
        const o = this.render(node.operand);
        return o === '1' ? '0' : `(NOT ${o})`;
      }
      case 'minus': {
        const [l, r] = [this.render(node.left), this.render(node.right)];
        return r === '1' ? '0' : `(${l} AND NOT ${r})`;
      }
      case 'match':
        return this.match(node.field, node.tokens, node.phrase);
      case 'exists':
        return `(${this.fieldValue(node.field)} IS NOT NULL)`;
      case 'empty':
        return this.empty(node.field);
      case 'exact':
        return this.exact(node.field, node.value);
      case 'compare':
        return `ifNull(${this.numericValue(node.field)} ${node.op} ${sqlNumber(node.value)}, 0)`;
      case 'range': {
        const v = this.numericValue(node.field);
        const lo = `${v} ${node.lowInclusive ? '>=' : '>'} ${sqlNumber(node.low)}`;
        const hi = `${v} ${node.highInclusive ? '<=' : '<'} ${sqlNumber(node.high)}`;
        return `ifNull(${lo} AND ${hi}, 0)`;
      }
    }
  }

  private match(field: FieldRef | null, tokens: TokenPattern[], phrase: boolean): string {
    const text = field === null ? quoteIdent('_text') : this.searchableText(field);
    if (tokens.length === 0) return field === null ? '1' : `(${text} IS NOT NULL)`;
    const test = (prefilters: string[], body: string, last: TokenPattern): string => {
      const tail = last.parts[last.parts.length - 1];
      const end = tail.kind === 'any' ? '' : `(?:$|${DELIM})`;
      const re = `(?:^|${DELIM})${body}${end}`;
      return `ifNull(${[...prefilters, `match(${text}, ${quoteString(re)})`].join(' AND ')}, 0)`;
    };
    if (phrase) {
      const re = tokens.map(tokenRegex).join(`${DELIM}+`);
      return test(
        tokens.map((t) => this.prefilter(text, t)),
        re,
        tokens[tokens.length - 1],
      );
    }
    const tests = tokens.map((t) => test([this.prefilter(text, t)], tokenRegex(t), t));
    return tests.length === 1 ? tests[0] : `(${tests.join(' AND ')})`;
  }

  /** A cheap necessary condition for the token: its longest literal run occurs in the text. */
  private prefilter(text: string, token: TokenPattern): string {
    const lit = longestLiteral(token);
    const whole = token.parts.length === 1 && token.parts[0].kind === 'text';
    // hasToken wants the needle to be one of its tokens: letters, digits, non-ASCII only.
    if (this.f.hasToken && whole && /^[a-z0-9\u0080-\uffff]+$/.test(lit)) {
      return `hasToken(${text}, ${quoteString(lit)})`;
    }
    return `position(${text}, ${quoteString(lit)}) > 0`;
  }

  private empty(field: FieldRef): string {
    if (field.kind === 'path') {
      // DuckDB: json_extract_string(…) = '': the value is the JSON string "".
      return `ifNull(${this.pathRaw(field.parent, field.keys)} = '""', 0)`;
    }
    if (field.type === 'long') return '0';
    return `ifNull(${quoteIdent(field.name)} = '', 0)`;
  }

  private exact(field: FieldRef, value: TokenPattern): string {
    const text = `lowerUTF8(${this.fieldValue(field)})`;
    if (value.parts.every((p) => p.kind === 'text')) {
      return `ifNull(${text} = ${quoteString(value.parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''))}, 0)`;
    }
    const body = value.parts
      .map((p) => (p.kind === 'text' ? escapeRegex(p.text) : p.kind === 'any' ? '.*' : '.'))
      .join('');
    return `ifNull(match(${text}, ${quoteString(`(?s)^(?:${body})$`)}), 0)`;
  }

  /** The field's value as stored: the column, or the JSON sub-tree text of a path (NULL if absent). */
  private fieldValue(field: FieldRef): string {
    return field.kind === 'path' ? this.pathJsonText(field) : quoteIdent(field.name);
  }

  private searchableText(field: FieldRef): string {
    if (field.kind === 'path') return `lowerUTF8(${jsonTokenText(this.pathJsonText(field))})`;
    const col = quoteIdent(field.name);
    // Stored JSON columns are DuckDB's JSON text, which writes every character but control
    // characters unescaped: no `\u` escape stands for a delimiter there (DuckDB's renderer decodes
    // them for text from other sources).
    if (field.type === 'json') return `lowerUTF8(${jsonTokenText(col)})`;
    if (field.type === 'text' || field.type === 'exact') return `lowerUTF8(${col})`;
    throw new Error(`internal: token search on numeric field ${field.name}`);
  }

  /** Raw JSON text at `keys` below `parent`, NULL when absent (JSONExtractRaw gives ''). */
  private pathRaw(parent: string, keys: string[]): string {
    if (!this.f.jsonExtract) throw new NotPushable('paths inside JSON columns need JSONExtract (20.1)');
    return `nullIf(JSONExtractRaw(${quoteIdent(parent)}, ${keys.map(quoteString).join(', ')}), '')`;
  }

  /**
   * JSON text of a path, as DuckDB's pathJsonText: the direct path, and for paths of 2..5 keys also
   * every variant where an intermediate key is an array whose elements are searched
   * (`$.spec.containers[*].image`), joined by newlines; NULL when none exists.
   */
  private pathJsonText(field: Extract<FieldRef, { kind: 'path' }>): string {
    const direct = this.pathRaw(field.parent, field.keys);
    const depth = field.keys.length;
    if (depth < 2 || depth > MAX_ARRAY_EXPANSION_DEPTH) return direct;
    const parent = quoteIdent(field.parent);
    const variants: string[] = [`ifNull(${direct}, '')`];
    for (let mask = 1; mask < 1 << (depth - 1); mask++) {
      // Walk the keys over an array of JSON texts: a plain key maps each element to its member, a
      // key marked as an array flattens the member's elements into the list.
      let list = `[ifNull(${parent}, '')]`;
      field.keys.forEach((key, i) => {
        const k = quoteString(key);
        list =
          (mask & (1 << i)) !== 0
            ? `arrayFlatten(arrayMap(x -> JSONExtractArrayRaw(x, ${k}), ${list}))`
            : `arrayFilter(x -> x != '', arrayMap(x -> JSONExtractRaw(x, ${k}), ${list}))`;
      });
      variants.push(`arrayStringConcat(${list}, '\\n')`);
    }
    // DuckDB's concat_ws skips NULL variants and an empty list joins to ''; NULLIF('') → absent.
    const joined = variants.join(', ');
    return `nullIf(arrayStringConcat(arrayFilter(x -> x != '', [${joined}]), '\\n'), '')`;
  }

  private numericValue(field: FieldRef): string {
    if (field.kind === 'path') {
      // DuckDB: TRY_CAST(json_extract_string(…) AS DOUBLE): a number or a numeric string.
      const raw = this.pathRaw(field.parent, field.keys);
      return `toFloat64OrNull(if(startsWith(${raw}, '"'), JSONExtractString(${quoteIdent(field.parent)}, ${field.keys.map(quoteString).join(', ')}), ${raw}))`;
    }
    return quoteIdent(field.name);
  }
}

/** The maximum path depth for which array levels are also searched (as the DuckDB renderer). */
const MAX_ARRAY_EXPANSION_DEPTH = 5;

/** JSON text with delimiter escapes as spaces and `\\` as one backslash (see the DuckDB renderer). */
function jsonTokenText(json: string): string {
  let s = `replaceAll(${json}, '\\\\\\\\', '\uE000')`;
  for (const esc of ['\\"', '\\n', '\\r', '\\t', '\\/']) s = `replaceAll(${s}, ${quoteString(esc)}, ' ')`;
  return `replaceAll(${s}, '\uE000', '\\\\')`;
}
