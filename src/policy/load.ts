// Loading an audit Policy file the way kube-apiserver does (../shared/spec/k8s-audit.md §1.3):
// YAML or JSON, apiVersion audit.k8s.io/v1 (v1beta1/v1alpha1 read with a warning), and the
// apiserver's lenient fallback for unknown or duplicate fields, which we surface as warnings
// because a silently dropped key can widen a rule. Wrong types are errors, as in the apiserver's
// decoder. Every message carries file:line:column and the field path.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { UserError } from '../cli/errors.js';
import { POLICY_API_VERSIONS, type GroupResources, type Policy, type PolicyRule } from './types.js';

export type PolicyWarningCode =
  'unknown-field' | 'duplicate-field' | 'old-version' | 'null-field' | 'not-in-release';

export interface PolicyWarning {
  code: PolicyWarningCode;
  /** Field path, e.g. `rules[3].verb`. */
  field: string;
  /** `file:line:column` of the offending key. */
  where: string;
  message: string;
}

export interface LoadedPolicy {
  policy: Policy;
  warnings: PolicyWarning[];
}

type FieldType = 'string' | 'bool' | 'stringList' | 'any' | { object: Schema } | { objectList: Schema };
type Schema = Record<string, FieldType>;

const GROUP_RESOURCES_SCHEMA: Schema = {
  group: 'string',
  resources: 'stringList',
  resourceNames: 'stringList',
};
const RULE_SCHEMA: Schema = {
  level: 'string',
  users: 'stringList',
  userGroups: 'stringList',
  verbs: 'stringList',
  resources: { objectList: GROUP_RESOURCES_SCHEMA },
  namespaces: 'stringList',
  nonResourceURLs: 'stringList',
  omitStages: 'stringList',
  omitManagedFields: 'bool',
};
const POLICY_SCHEMA: Schema = {
  apiVersion: 'string',
  kind: 'string',
  metadata: 'any',
  rules: { objectList: RULE_SCHEMA },
  omitStages: 'stringList',
  omitManagedFields: 'bool',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  bool: 'true or false',
  stringList: 'a list of strings',
  any: 'anything',
};

/**
 * Parses a policy file (YAML or JSON). Throws UserError for syntax errors (with line and column),
 * empty files, wrong types, a missing or unknown apiVersion/kind. Returns the policy with the
 * unknown fields dropped (as the apiserver does) and the warnings explaining what was dropped.
 */
export function loadPolicy(text: string, fileName: string): LoadedPolicy {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return fileName;
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const at = where(err.pos[0]);
      const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw new UserError(`${at}: the policy is not valid YAML or JSON (${reason}); fix the syntax there.`);
    }
  }
  const nonEmpty = list.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) {
    throw new UserError(
      `${fileName} is empty; a policy needs apiVersion: audit.k8s.io/v1, kind: Policy and at least one rule.`,
    );
  }
  if (nonEmpty.length > 1) {
    throw new UserError(
      `${fileName} holds ${nonEmpty.length} YAML documents; a policy file holds exactly one Policy, so split it.`,
    );
  }
  const root = nonEmpty[0].contents as Node;
  const warnings: PolicyWarning[] = [];
  const ctx: WalkContext = { where, warnings };
  if (!isMap(root)) {
    throw new UserError(
      `${where(root.range?.[0])}: the file is not a Policy object; it must be a mapping with apiVersion, kind and rules.`,
    );
  }
  const obj = walkObject(root, POLICY_SCHEMA, '', ctx) as Record<string, unknown>;

  const apiVersion = obj.apiVersion as string | undefined;
  const kind = obj.kind as string | undefined;
  if (!apiVersion || !kind) {
    throw new UserError(
      `${fileName}: ${!apiVersion ? 'apiVersion' : 'kind'} is missing, so the apiserver cannot decode the policy ("unknown group version"); add apiVersion: audit.k8s.io/v1 and kind: Policy.`,
    );
  }
  if (!(POLICY_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new UserError(
      `${fileName}: apiVersion "${apiVersion}" is not an audit policy version; use audit.k8s.io/v1.`,
    );
  }
  if (kind !== 'Policy') {
    throw new UserError(
      `${fileName}: kind is "${kind}", not "Policy"; an audit policy file has kind: Policy.`,
    );
  }
  if (apiVersion !== 'audit.k8s.io/v1') {
    warnings.push({
      code: 'old-version',
      field: 'apiVersion',
      where: fileName,
      message: `${apiVersion} is read here, but kube-apiserver 1.24 and later reject it; change apiVersion to audit.k8s.io/v1 (the rules are identical).`,
    });
  }

  const policy: Policy = { apiVersion, kind, rules: (obj.rules as PolicyRule[] | undefined) ?? [] };
  if (obj.omitStages !== undefined) policy.omitStages = obj.omitStages as string[];
  if (obj.omitManagedFields !== undefined) policy.omitManagedFields = obj.omitManagedFields as boolean;
  return { policy, warnings };
}

interface WalkContext {
  where: (offset: number | undefined) => string;
  warnings: PolicyWarning[];
}

function keyName(node: unknown): string {
  if (isScalar(node)) return String(node.value);
  return String(node);
}

function closestField(name: string, schema: Schema): string | undefined {
  const lower = name.toLowerCase();
  for (const f of Object.keys(schema)) {
    if (f.toLowerCase() === lower || f.toLowerCase() === lower + 's' || f.toLowerCase() + 's' === lower)
      return f;
  }
  return undefined;
}

function walkObject(node: Node, schema: Schema, path: string, ctx: WalkContext): Record<string, unknown> {
  if (!isMap(node)) throw new Error('walkObject expects a mapping');
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const pair of node.items) {
    const name = keyName(pair.key);
    const field = path ? `${path}.${name}` : name;
    const keyOffset = (pair.key as Node | null)?.range?.[0];
    if (seen.has(name)) {
      ctx.warnings.push({
        code: 'duplicate-field',
        field,
        where: ctx.where(keyOffset),
        message: `"${name}" is set twice; the apiserver warns and keeps the last value, so one of them is ignored. Remove the duplicate.`,
      });
    }
    seen.add(name);
    const type = schema[name];
    if (type === undefined) {
      const near = closestField(name, schema);
      ctx.warnings.push({
        code: 'unknown-field',
        field,
        where: ctx.where(keyOffset),
        message:
          `unknown field "${name}" is dropped by the apiserver's lenient decoding, so whatever it was meant to restrict is not restricted (a misplaced or misspelt key silently widens the rule)` +
          (near ? `; did you mean "${near}"?` : '; remove it or move it to the right place.'),
      });
      continue;
    }
    const value = pair.value as Node | null;
    const converted = walkValue(value, type, field, ctx);
    if (converted === undefined) {
      delete out[name];
      if (isListType(type) && path.startsWith('rules[') && value !== null && isScalar(value)) {
        // An explicit `verbs:` with nothing after it decodes to an empty list: "any".
        ctx.warnings.push({
          code: 'null-field',
          field,
          where: ctx.where(keyOffset),
          message: `"${name}" has no value, which means "no restriction" (it matches everything); give it values or remove it.`,
        });
      }
      continue;
    }
    out[name] = converted;
  }
  return out;
}

function isListType(type: FieldType): boolean {
  return type === 'stringList' || (typeof type === 'object' && 'objectList' in type);
}

function typeError(node: Node | null, field: string, type: FieldType, ctx: WalkContext): UserError {
  const expected =
    typeof type === 'string'
      ? TYPE_WORDS[type]
      : 'object' in type
        ? 'a mapping of fields'
        : 'a list of mappings';
  let got = 'something else';
  if (isSeq(node)) got = 'a list';
  else if (isMap(node)) got = 'a mapping';
  else if (isScalar(node)) got = `${typeof node.value} ${JSON.stringify(node.value)}`;
  const example =
    type === 'stringList' && isScalar(node) && typeof node.value === 'string'
      ? ` (write ${field.split('.').pop()}: [${JSON.stringify(node.value)}])`
      : '';
  return new UserError(
    `${ctx.where(node?.range?.[0])}: ${field} must be ${expected}, not ${got}${example}; fix its type.`,
  );
}

function walkValue(node: Node | null, type: FieldType, field: string, ctx: WalkContext): unknown {
  if (node === null || (isScalar(node) && node.value === null)) return undefined;
  if (isAlias(node)) {
    throw new UserError(
      `${ctx.where(node.range?.[0])}: ${field} uses a YAML alias, which kaudit does not resolve in policies; write the value out.`,
    );
  }
  if (type === 'any') return true;
  if (type === 'string') {
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    throw typeError(node, field, type, ctx);
  }
  if (type === 'bool') {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    throw typeError(node, field, type, ctx);
  }
  if (type === 'stringList') {
    if (!isSeq(node)) throw typeError(node, field, type, ctx);
    return node.items.map((item, i) => {
      const n = item as Node | null;
      if (n !== null && isScalar(n) && typeof n.value === 'string') return n.value;
      throw new UserError(
        `${ctx.where(n?.range?.[0] ?? node.range?.[0])}: ${field}[${i}] must be a string, not ${
          n === null || (isScalar(n) && n.value === null)
            ? 'empty'
            : isScalar(n)
              ? `${typeof n.value} ${JSON.stringify(n.value)}`
              : 'a collection'
        }; quote it or fix the entry.`,
      );
    });
  }
  if ('object' in type) {
    if (!isMap(node)) throw typeError(node, field, type, ctx);
    return walkObject(node, type.object, field, ctx);
  }
  if (!isSeq(node)) throw typeError(node, field, type, ctx);
  return node.items.map((item, i) => {
    const n = item as Node | null;
    if (n === null || !isMap(n)) {
      throw new UserError(
        `${ctx.where(n?.range?.[0] ?? node.range?.[0])}: ${field}[${i}] must be a mapping of fields; fix the entry.`,
      );
    }
    const obj = walkObject(n, type.objectList, `${field}[${i}]`, ctx);
    return obj as unknown as PolicyRule | GroupResources;
  });
}
