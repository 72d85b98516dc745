// Grammar-based generators of SLS queries for the fuzzer: search statements (sls-query.md §3) and
// SQL statements (§4) built from the real function catalogue, plus text-level mutations of both.
// Valid queries exercise the engine end to end; mutated ones probe the parsers and error paths.
import fc from 'fast-check';
import { FUNCTIONS } from '../../src/query/functions.js';

// ---------------------------------------------------------------- search statement

const SEARCH_FIELDS = [
  'verb',
  'user.username',
  'objectRef.resource',
  'objectRef.subresource',
  'objectRef.namespace',
  'responseStatus.code',
  'stage',
  'sourceIPs',
  'requestURI',
  'userAgent',
  'annotations.authorization.k8s.io/decision',
  'requestObject.kind',
  '__source__',
  '__topic__',
  '__tag__:__receive_time__',
  '__time__',
];
const NUMERIC_FIELDS = ['responseStatus.code', '__time__', '__tag__:__receive_time__'];
const WORDS = [
  'get',
  'list',
  'create',
  'delete',
  'pods',
  'exec',
  'node',
  'alice',
  'system',
  'kube-system',
  'worker-1',
  'kubectl',
  'allow',
  'forbid',
  '8.8.8.8',
  '10.0.0.5',
  'ResponseComplete',
  'default',
  'v1',
  '403',
  '200',
];

const word = fc.constantFrom(...WORDS);
const wildcard = fc
  .tuple(word, fc.constantFrom('*', '?', 'e*', ''))
  .map(([w, s]) => (s === '' ? w : w.slice(0, 2) + s));
const quoted = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => `"${ws.join(' ')}"`);
const number = fc.constantFrom('0', '200', '201', '400', '403', '500', '1767323041', '-1', '2.5');

const searchTerm: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...SEARCH_FIELDS), fc.oneof(word, wildcard, quoted))
      .map(([f, v]) => `${f}: ${v}`),
  },
  { weight: 2, arbitrary: fc.oneof(word, wildcard, quoted) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...NUMERIC_FIELDS), fc.constantFrom('>', '>=', '<', '<=', '='), number)
      .map(([f, op, n]) => `${f} ${op} ${n}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...NUMERIC_FIELDS),
        fc.constantFrom('[', '('),
        number,
        number,
        fc.constantFrom(']', ')'),
      )
      .map(([f, o, a, b, c]) => `${f} in ${o}${a} ${b}${c}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...SEARCH_FIELDS).map((f) => `${f}: *`) },
  { weight: 1, arbitrary: fc.constantFrom(...SEARCH_FIELDS).map((f) => `${f}: ""`) },
  { weight: 1, arbitrary: quoted.map((q) => `#${q}`) },
  { weight: 1, arbitrary: fc.constant('*') },
);

const { search } = fc.letrec<{ search: string }>((tie) => ({
  search: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    searchTerm,
    fc
      .tuple(
        tie('search'),
        fc.constantFrom(' and ', ' or ', ' not ', ' AND ', ' OR ', ' NOT ', ' '),
        tie('search'),
      )
      .map(([a, op, b]) => a + op + b),
    tie('search').map((s) => `not ${s}`),
    tie('search').map((s) => `(${s})`),
  ),
}));

export const searchStatement = search;

// ---------------------------------------------------------------- SQL statement

const COLUMNS = [
  'verb',
  '"verb"',
  '"user.username"',
  '"responseStatus.code"',
  '"objectRef.resource"',
  '"objectRef.namespace"',
  '"objectRef.subresource"',
  'sourceIPs',
  'requestURI',
  '__time__',
  '"__tag__:__receive_time__"',
  '__source__',
  'cluster',
  'auditID',
  'stage',
  'requestObject',
  '"annotations.authorization.k8s.io/decision"',
  '"annotations.authorization.k8s.io/reason"',
  '"user.groups"',
  'userAgent',
];

const LITERALS = [
  "'get'",
  "'pods'",
  "'8.8.8.8'",
  "'10.0.0.0/8'",
  "'%pod%'",
  "''",
  "'en'",
  "'%Y-%m-%d %H:%i:%s'",
  "'1h'",
  "'$.kind'",
  "'$[0]'",
  "'\\d+'",
  "'([^\\?]*)/exec\\?.*'",
  "'day'",
  "'minute'",
  "'0'",
  '\'["a","b"]\'',
  '0',
  '1',
  '2',
  '24',
  '400',
  '-1',
  '2.5',
  '86400',
  'null',
  'true',
  'false',
];

const SCALAR_NAMES = Object.entries(FUNCTIONS)
  .filter(([, def]) => def.kind === 'scalar')
  .map(([name]) => name);
const AGGREGATE_NAMES = Object.entries(FUNCTIONS)
  .filter(([, def]) => def.kind === 'aggregate')
  .map(([name]) => name);

const column = fc.constantFrom(...COLUMNS);
const literal = fc.constantFrom(...LITERALS);

function callOf(name: string, args: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const def = FUNCTIONS[name];
  // Mostly a legal number of arguments; sometimes one too many or too few.
  const count = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: def.minArgs, max: Math.min(def.maxArgs, def.minArgs + 2) }) },
    { weight: 1, arbitrary: fc.constantFrom(Math.max(0, def.minArgs - 1), def.maxArgs + 1) },
  );
  return count
    .chain((n) => fc.array(args, { minLength: n, maxLength: n }))
    .map((a) => `${name}(${a.join(', ')})`);
}

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: column },
    { weight: 3, arbitrary: literal },
    { weight: 3, arbitrary: fc.constantFrom(...SCALAR_NAMES).chain((name) => callOf(name, tie('expr'))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '||'), tie('expr'))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          tie('expr'),
          fc.constantFrom('=', '!=', '<>', '<', '>=', 'like'),
          tie('expr'),
          tie('expr'),
          tie('expr'),
        )
        .map(([a, op, b, t, e]) => `CASE WHEN ${a} ${op} ${b} THEN ${t} ELSE ${e} END`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('cast', 'try_cast'),
          tie('expr'),
          fc.constantFrom('bigint', 'double', 'varchar', 'boolean'),
        )
        .map(([c, e, t]) => `${c}(${e} AS ${t})`),
    },
  ),
}));

const condition: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(expr, fc.constantFrom('=', '!=', '<', '>', '<=', '>=', '<>'), expr)
    .map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.tuple(expr, fc.constantFrom('like', 'not like'), literal).map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.tuple(expr, fc.constantFrom('is null', 'is not null')).map(([a, op]) => `${a} ${op}`),
  fc
    .tuple(expr, fc.array(literal, { minLength: 1, maxLength: 3 }))
    .map(([a, l]) => `${a} in (${l.join(', ')})`),
  fc.tuple(expr, literal, literal).map(([a, l, h]) => `${a} between ${l} and ${h}`),
  fc.tuple(expr, expr).map(([a, b]) => `regexp_like(${a}, ${b})`),
);
const predicate = fc
  .array(fc.tuple(condition, fc.constantFrom(' and ', ' or ', ' and not ')), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([c, op], i) => (i === 0 ? c : op + c)).join(''));

const alias = fc.constantFrom(
  'a',
  'b',
  'c',
  'n',
  'ip',
  'total',
  '"访问次数"',
  '"Number of connections"',
  'verb',
  '"time"',
);
const aggregate = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('count(*)', 'count(1)', 'count(DISTINCT verb)') },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...AGGREGATE_NAMES)
      .chain((name) => callOf(name, fc.oneof(column, literal, expr))),
  },
  { weight: 1, arbitrary: condition.map((c) => `count_if(${c})`) },
);

const limit = fc.oneof(
  fc.constant(''),
  fc.constantFrom(' limit 0', ' limit 1', ' limit 5', ' limit 2, 3', ' limit 1000000', ' limit 10000'),
);
const where = fc.option(predicate, { nil: undefined }).map((p) => (p ? ` where ${p}` : ''));

/** SELECT of row-level expressions. */
const plainSelect = fc
  .tuple(
    fc.oneof(
      fc.constant('*'),
      fc
        .array(fc.tuple(expr, fc.option(alias, { nil: undefined })), { minLength: 1, maxLength: 4 })
        .map((items) => items.map(([e, a]) => (a ? `${e} as ${a}` : e)).join(', ')),
    ),
    fc.constantFrom(' from log', ''),
    where,
    fc.option(fc.tuple(fc.oneof(column, fc.constant('1')), fc.constantFrom('', ' asc', ' desc')), {
      nil: undefined,
    }),
    limit,
  )
  .map(
    ([items, from, w, order, lim]) =>
      `select ${items}${from}${w}${order ? ` order by ${order[0]}${order[1]}` : ''}${lim}`,
  );

/** SELECT with GROUP BY: keys aliased k0…, aggregates aliased m0…, grouped by alias or ordinal. */
const groupedSelect = fc
  .tuple(
    fc.array(expr, { minLength: 0, maxLength: 2 }),
    fc.array(aggregate, { minLength: 1, maxLength: 3 }),
    where,
    fc.constantFrom('alias', 'ordinal', 'expression'),
    fc.option(fc.constantFrom('m0 > 0', 'count(*) >= 1', 'm0 is not null', 'k0 is not null'), {
      nil: undefined,
    }),
    fc.option(fc.constantFrom('m0 desc', 'k0', '1', 'm0'), { nil: undefined }),
    limit,
  )
  .map(([keys, aggs, w, groupStyle, having, order, lim]) => {
    const items = [...keys.map((k, i) => `${k} as k${i}`), ...aggs.map((a, i) => `${a} as m${i}`)];
    const group =
      keys.length === 0
        ? ''
        : ` group by ${keys.map((k, i) => (groupStyle === 'alias' ? `k${i}` : groupStyle === 'ordinal' ? String(i + 1) : k)).join(', ')}`;
    const h = having && (keys.length > 0 || !having.startsWith('k')) ? ` having ${having}` : '';
    const o = order && (keys.length > 0 || !order.startsWith('k')) ? ` order by ${order}` : '';
    return `select ${items.join(', ')} from log${w}${group}${h}${o}${lim}`;
  });

/** An outer query over a grouped subquery, as the ACK documents write them. */
const nestedSelect = fc
  .tuple(
    groupedSelect,
    fc.constantFrom('*', 'm0', 'm0, m0 * 1.0 / 2 as r', 'count(*) as c'),
    fc.constantFrom('', ' where m0 > 0', ' having m0 > 0'),
  )
  .map(([inner, items, tail]) => `select ${items} from (${inner})${tail}`);

export const sqlStatement: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: plainSelect },
  { weight: 4, arbitrary: groupedSelect },
  { weight: 1, arbitrary: nestedSelect },
);

// ---------------------------------------------------------------- typed SQL (realistic queries)
// Expressions built by type from functions whose signatures are known, as the documents and
// alert templates use them: these mostly run to rows, so the engine's happy paths get fuzzed too.

const IP_EXPRESSIONS = [
  'json_format(json_array_get(sourceIPs, 0))',
  'CASE WHEN json_array_length(sourceIPs) = 1 THEN json_format(json_array_get(sourceIPs, 0)) ELSE sourceIPs END',
  "'8.8.8.8'",
  "'10.0.0.1'",
  "'2400:3200::1'",
  'sourceIPs',
  '"user.username"',
];
const ipExpr = fc.constantFrom(...IP_EXPRESSIONS);
const textColumn = fc.constantFrom(
  'verb',
  '"user.username"',
  '"objectRef.resource"',
  '"objectRef.namespace"',
  'requestURI',
  'stage',
  'auditID',
  'userAgent',
  '"annotations.authorization.k8s.io/decision"',
  'cluster',
  '__source__',
);
const numberColumn = fc.constantFrom('__time__', '"responseStatus.code"', '"__tag__:__receive_time__"');
const pattern = fc.constantFrom("'\\d+'", "'([^\\?]*)/exec\\?.*'", "'^get'", "'pod'", "'(\\w+)'", "'[a-z]+'");
const textLiteral = fc.constantFrom(
  "'get'",
  "'pods'",
  "'default'",
  "'alice'",
  "''",
  "'system:node:worker-1'",
);
const intLiteral = fc.constantFrom('0', '1', '2', '60', '400', '403', '-1', '1767323041');
const dateFormat = fc.constantFrom(
  "'%Y-%m-%d %H:%i:%s'",
  "'%Y-%m-%d %T'",
  "'%H:%i'",
  "'%D %M %Y'",
  "'%j %W %a %p'",
);

const typedSql = fc.letrec<{ text: string; num: string; bool: string }>((tie) => ({
  text: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: textColumn },
    { weight: 2, arbitrary: textLiteral },
    { weight: 1, arbitrary: tie('text').map((t) => `lower(${t})`) },
    { weight: 1, arbitrary: tie('text').map((t) => `upper(${t})`) },
    { weight: 1, arbitrary: fc.tuple(tie('text'), tie('text')).map(([a, b]) => `concat(${a}, ${b})`) },
    { weight: 1, arbitrary: fc.tuple(tie('text'), tie('text')).map(([a, b]) => `${a} || ${b}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(tie('text'), fc.constantFrom('1', '2', '5')).map(([a, n]) => `substr(${a}, ${n})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), fc.constantFrom("'/'", "'?'", "':'"), fc.constantFrom('1', '2', '3'))
        .map(([a, d, n]) => `split_part(${a}, ${d}, ${n})`),
    },
    { weight: 2, arbitrary: fc.tuple(tie('text'), pattern).map(([a, p]) => `regexp_extract(${a}, ${p})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), pattern, fc.constantFrom('0', '1'))
        .map(([a, p, n]) => `regexp_extract(${a}, ${p}, ${n})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), pattern, tie('text'))
        .map(([a, p, r]) => `regexp_replace(${a}, ${p}, ${r})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), textLiteral, textLiteral)
        .map(([a, x, y]) => `replace(${a}, ${x}, ${y})`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('ip_to_country', 'ip_to_province', 'ip_to_city'), ipExpr, fc.boolean())
        .map(([f, ip, en]) => `${f}(${ip}${en ? ", 'en'" : ''})`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'ip_to_domain',
            'ip_to_country_code',
            'ip_to_provider',
            'ip_to_geo',
            'ip_to_city_geo',
          ),
          ipExpr,
        )
        .map(([f, ip]) => `${f}(${ip})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(ipExpr, fc.constantFrom('8', '16', '24', '32'))
        .map(([ip, n]) => `ip_prefix(${ip}, ${n})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('ip_subnet_min', 'ip_subnet_max'), ipExpr)
        .map(([f, ip]) => `${f}(concat(${ip}, '/24'))`),
    },
    { weight: 2, arbitrary: dateFormat.map((f) => `date_format(from_unixtime(__time__), ${f})`) },
    { weight: 1, arbitrary: dateFormat.map((f) => `date_format(__time__, ${f})`) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("'$.kind'", "'$.metadata.name'", "'$.spec'")
        .map((p) => `json_extract_scalar(requestObject, ${p})`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('0', '1', '-1').map((i) => `json_format(json_array_get(sourceIPs, ${i}))`),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("'userid'", "'limit'")
        .map((k) => `url_extract_parameter(concat('http://h', requestURI), ${k})`),
    },
    { weight: 1, arbitrary: tie('num').map((n) => `cast(${n} AS varchar)`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('bool'), tie('text'), tie('text'))
        .map(([c, a, b]) => `CASE WHEN ${c} THEN ${a} ELSE ${b} END`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(tie('bool'), tie('text'), tie('text')).map(([c, a, b]) => `if(${c}, ${a}, ${b})`),
    },
    { weight: 1, arbitrary: fc.tuple(tie('text'), textLiteral).map(([a, b]) => `coalesce(${a}, ${b})`) },
  ),
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: numberColumn },
    { weight: 3, arbitrary: intLiteral },
    { weight: 1, arbitrary: tie('text').map((t) => `length(${t})`) },
    { weight: 1, arbitrary: fc.tuple(tie('text'), textLiteral).map(([a, b]) => `strpos(${a}, ${b})`) },
    { weight: 1, arbitrary: fc.constant('json_array_length(sourceIPs)') },
    { weight: 1, arbitrary: ipExpr.map((ip) => `security_check_ip(${ip})`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie('num'), fc.constantFrom('+', '-', '*', '/', '%'), tie('num'))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    { weight: 1, arbitrary: fc.constantFrom('60', '300', '3600').map((n) => `__time__ - __time__ % ${n}`) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("'minute'", "'hour'", "'day'", "'week'")
        .map((u) => `date_trunc(${u}, __time__)`),
    },
    { weight: 1, arbitrary: fc.constant('to_unixtime(from_unixtime(__time__))') },
    { weight: 1, arbitrary: tie('num').map((n) => `abs(${n})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('num'), fc.constantFrom('0', '1', '2'))
        .map(([n, d]) => `round(${n} * 1.0 / 7, ${d})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('bool'), tie('num'), tie('num'))
        .map(([c, a, b]) => `CASE WHEN ${c} THEN ${a} ELSE ${b} END`),
    },
    { weight: 1, arbitrary: tie('text').map((t) => `try_cast(${t} AS bigint)`) },
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    {
      weight: 3,
      arbitrary: fc
        .tuple(tie('text'), fc.constantFrom('=', '!=', '<>', '<', '>='), tie('text'))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(tie('num'), fc.constantFrom('=', '!=', '<', '>', '<=', '>='), tie('num'))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), fc.constantFrom("'%pod%'", "'get'", "'%'", "'_et'"))
        .map(([a, p]) => `${a} like ${p}`),
    },
    { weight: 1, arbitrary: fc.tuple(tie('text'), pattern).map(([a, p]) => `regexp_like(${a}, ${p})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), fc.constantFrom('is null', 'is not null'))
        .map(([a, op]) => `${a} ${op}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('num'), intLiteral, intLiteral)
        .map(([a, l, h]) => `${a} between ${l} and ${h}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('text'), fc.array(textLiteral, { minLength: 1, maxLength: 3 }))
        .map(([a, l]) => `${a} in (${l.join(', ')})`),
    },
    { weight: 1, arbitrary: ipExpr.map((ip) => `is_subnet_of('10.0.0.0/8', ${ip})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('bool'), fc.constantFrom(' and ', ' or '), tie('bool'))
        .map(([a, op, b]) => `(${a}${op}${b})`),
    },
    { weight: 1, arbitrary: tie('bool').map((b) => `not ${b}`) },
  ),
}));

const typedAggregate = fc.oneof(
  fc.constantFrom('count(*)', 'count(1)'),
  typedSql.text.map((t) => `count(${t})`),
  typedSql.text.map((t) => `count(DISTINCT ${t})`),
  typedSql.bool.map((b) => `count_if(${b})`),
  typedSql.num.map((n) => `sum(${n})`),
  typedSql.num.map((n) => `avg(${n})`),
  typedSql.num.map((n) => `max(${n})`),
  typedSql.text.map((t) => `min(${t})`),
  typedSql.text.map((t) => `approx_distinct(${t})`),
  typedSql.num.map((n) => `approx_percentile(${n}, 0.5)`),
  typedSql.text.map((t) => `arbitrary(${t})`),
  fc.tuple(typedSql.text, typedSql.num).map(([t, n]) => `max_by(${t}, ${n})`),
  typedSql.text.map((t) => `histogram(${t})`),
  typedSql.bool.map((b) => `sum(CASE WHEN ${b} THEN 1 ELSE 0 END) * 1.0 / count(1)`),
);

const typedWhere = fc.option(typedSql.bool, { nil: undefined }).map((b) => (b ? ` where ${b}` : ''));

const typedPlain = fc
  .tuple(
    fc.array(fc.oneof(typedSql.text, typedSql.num, typedSql.bool), { minLength: 1, maxLength: 4 }),
    typedWhere,
    fc.constantFrom('', ' order by 1', ' order by 1 desc'),
    limit,
  )
  .map(
    ([items, w, order, lim]) =>
      `select ${items.map((e, i) => `${e} as c${i}`).join(', ')} from log${w}${order}${lim}`,
  );

const typedGrouped = fc
  .tuple(
    fc.array(fc.oneof(typedSql.text, typedSql.num), { minLength: 0, maxLength: 2 }),
    fc.array(typedAggregate, { minLength: 1, maxLength: 3 }),
    typedWhere,
    fc.constantFrom('alias', 'ordinal', 'expression'),
    fc.option(fc.constantFrom('m0 > 0', 'count(*) >= 1', 'm0 is not null'), { nil: undefined }),
    fc.option(fc.constantFrom(' order by m0 desc', ' order by 1', ' order by m0'), { nil: undefined }),
    limit,
  )
  .map(([keys, aggs, w, style, having, order, lim]) => {
    const items = [...keys.map((k, i) => `${k} as k${i}`), ...aggs.map((a, i) => `${a} as m${i}`)];
    const group =
      keys.length === 0
        ? ''
        : ` group by ${keys.map((k, i) => (style === 'alias' ? `k${i}` : style === 'ordinal' ? String(i + 1) : k)).join(', ')}`;
    return `select ${items.join(', ')} from log${w}${group}${having ? ` having ${having}` : ''}${order ?? ''}${lim}`;
  });

const typedNested = fc
  .tuple(
    typedGrouped,
    fc.constantFrom('*', 'm0', 'count(*) as c', 'max(m0) as top'),
    fc.constantFrom('', ' where m0 is not null', ' having m0 is not null'),
  )
  .map(([inner, items, tail]) => `select ${items} from (${inner})${tail}`);

export const typedSqlStatement: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: typedPlain },
  { weight: 4, arbitrary: typedGrouped },
  { weight: 1, arbitrary: typedNested },
);

/** A whole valid-by-construction query: a search, optionally `| SQL`. */
export const validQuery: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: searchStatement },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.oneof(fc.constant('*'), searchStatement), typedSqlStatement)
      .map(([s, q]) => `${s} | ${q}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(fc.constant('*'), searchStatement), sqlStatement)
      .map(([s, q]) => `${s} | ${q}`),
  },
);

// ---------------------------------------------------------------- documented queries
// The queries of the ACK documents and alert templates (shared/spec/sls-query.md §6), used as they
// are and as seeds for mutations: real users start from these and edit them.

export const DOCUMENT_QUERIES: readonly string[] = [
  'NOT user.username: node NOT user.username: serviceaccount NOT user.username: apiserver NOT user.username: kube-scheduler NOT user.username: kube-controller-manager',
  `verb : create and objectRef.subresource:exec and stage: ResponseStarted | SELECT auditID as "Event ID", date_format(from_unixtime(__time__), '%Y-%m-%d %T' ) as "Operation time", regexp_extract("requestURI", '([^\\?]*)/exec\\?.*', 1)as "Resource", regexp_extract("requestURI", '\\?(.*)', 1)as "Command" ,"responseStatus.code" as "Status code", CASE WHEN "user.username" != 'kubernetes-admin' then "user.username" WHEN "user.username" = 'kubernetes-admin' and regexp_like("annotations.authorization.k8s.io/reason", 'RoleBinding') then regexp_extract("annotations.authorization.k8s.io/reason", ' to User "(\\w+)"', 1) ELSE 'kubernetes-admin' END as "Username", CASE WHEN json_array_length(sourceIPs) = 1 then json_format(json_array_get(sourceIPs, 0)) ELSE sourceIPs END as "Source IP address" order by "Operation time" desc limit 10000`,
  `* | select ip as "源地址", total as "访问次数", round(rate * 100, 2) as "失败率%", failCount as "非法访问次数", CASE when security_check_ip(ip) = 1 then 'yes' else 'no' end as "是否高危IP", ip_to_country(ip) as "国家", ip_to_province(ip) as "省", ip_to_city(ip) as "市", ip_to_provider(ip) as "运营商" from (select CASE WHEN json_array_length(sourceIPs) = 1 then json_format(json_array_get(sourceIPs, 0)) ELSE sourceIPs END as ip, count(1) as total, sum(CASE WHEN "responseStatus.code" < 400 then 0 ELSE 1 END) * 1.0 / count(1) as rate, count_if("responseStatus.code" = 403) as failCount from log group by ip limit 10000) where ip_to_domain(ip) != 'intranet' having "访问次数" > 10 and "失败率%" > 50 ORDER by "访问次数" desc limit 100`,
  `* | select count(DISTINCT ip) as ip_count, sum(total) as total, sum(failCount) as failCount from (select json_format(json_array_get(sourceIPs, 0)) as ip, count(1) as total, count_if("responseStatus.code" >= 400) as failCount from log where ip_to_domain(json_format(json_array_get(sourceIPs, 0))) = 'internet' group by ip)`,
  `verb : delete NOT user.username: node NOT user.username: serviceaccount | select auditID, json_extract(requestObject, '$.kind') as operationType, "objectRef.namespace" as ns where regexp_like("objectRef.namespace", '.*') AND NOT regexp_like("objectRef.namespace", '^kube-system$') group by auditID, operationType, ns`,
  `* and objectRef.resource : nodes and (verb : update or verb : patch) NOT user.username: node | select auditID, regexp_extract("requestURI", 'nodes/([^/\\?]+)', 1) as node, json_extract(requestObject, '$.metadata.labels') as labels, case when requestObject like '%null%' or requestObject like '%false%' then 'delete' else 'insert/update' end as op where json_extract(requestObject, '$.metadata.labels') is not null`,
  '(verb : update or verb : patch) NOT user.username: node NOT objectRef.resource: leases | select COUNT(*) as count',
  'objectRef.resource : "networkpolicies" and verb : create NOT user.username: node | select count(1) as total',
  'eviction and objectRef.resource: pods and verb: create',
  '* and user.username: "x" and objectRef.namespace: "y" and (verb: "a" or verb: "b") and (objectRef.resource: "pods") and objectRef.name: "n"',
];

export const documentQuery: fc.Arbitrary<string> = fc.constantFrom(...DOCUMENT_QUERIES);

// ---------------------------------------------------------------- mutations

const INSERTIONS = [
  "'",
  '"',
  '(',
  ')',
  '|',
  ';',
  '--',
  '/*',
  '*/',
  '\\',
  ':',
  ',',
  ' and ',
  ' or ',
  ' not ',
  ' select ',
  ' from ',
  ' group by ',
  '*',
  '%',
  '?',
  '#',
  '[',
  ']',
  '\n',
  '\t',
  '\u0000',
  '𝔘',
  '访问',
  '\\u0026',
  ' limit ',
  '1e400',
  '99999999999999999999',
  '-',
  '.',
];

type Mutation = {
  at: number;
  kind: 'delete' | 'insert' | 'duplicate' | 'truncate' | 'case';
  len: number;
  text: string;
};

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'insert', 'duplicate', 'truncate', 'case'),
  len: fc.integer({ min: 1, max: 8 }),
  text: fc.oneof(fc.constantFrom(...INSERTIONS), fc.string({ maxLength: 4 })),
});

export function applyMutation(query: string, m: Mutation): string {
  const at = query.length === 0 ? 0 : m.at % (query.length + 1);
  switch (m.kind) {
    case 'delete':
      return query.slice(0, at) + query.slice(at + m.len);
    case 'insert':
      return query.slice(0, at) + m.text + query.slice(at);
    case 'duplicate':
      return query.slice(0, at + m.len) + query.slice(at, at + m.len) + query.slice(at + m.len);
    case 'truncate':
      return query.slice(0, at);
    case 'case':
      return query.slice(0, at) + query.slice(at, at + m.len).toUpperCase() + query.slice(at + m.len);
  }
}

/** A valid or documented query with one to three text mutations. */
export const mutatedQuery: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: validQuery }, { weight: 1, arbitrary: documentQuery }),
    fc.array(mutation, { minLength: 1, maxLength: 3 }),
  )
  .map(([query, ms]) => ms.reduce(applyMutation, query));

/** What the fuzzer runs: mostly valid queries, a good share of mutated ones. */
export const fuzzQuery: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: validQuery },
  { weight: 1, arbitrary: documentQuery },
  { weight: 2, arbitrary: mutatedQuery },
);
