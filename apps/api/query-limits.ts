import {
  type ASTVisitor, type FieldNode, type FragmentDefinitionNode, getNamedType, GraphQLError, type GraphQLField, type GraphQLNamedType,
  isInterfaceType, isObjectType, Kind, type SelectionSetNode, type ValidationContext,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@watchfloor/pagination';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Multiplier for a list field with a `first` argument that the query does not set. */
  defaultPageSize: number;
  /** Multiplier when `first` is a variable (unknown at validation): the page-size cap. */
  maxPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 20000, defaultPageSize: DEFAULT_PAGE_SIZE, maxPageSize: MAX_PAGE_SIZE };

/**
 * A validation rule bounding each operation's depth and cost before anything executes.
 * Cost: each field is 1 plus the cost of its selection, multiplied by `first` (or the default
 * page size) on paginated fields, so `incidents(first: 100) { edges { node { alerts … } } }`
 * is priced by what it could fetch.
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

    function fieldsOf(type: GraphQLNamedType | undefined): Record<string, GraphQLField<unknown, unknown>> {
      return type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};
    }

    // Validation runs before variables are known: a variable `first` is priced at the cap.
    function firstArg(node: FieldNode): number {
      const arg = node.arguments?.find((a) => a.name.value === 'first');
      if (!arg) return limits.defaultPageSize;
      if (arg.value.kind === Kind.INT) return Math.min(Number(arg.value.value), limits.maxPageSize);
      return limits.maxPageSize;
    }

    function measure(set: SelectionSetNode, type: GraphQLNamedType | undefined, depth: number, seen: Set<string>): { depth: number; cost: number } {
      let maxDepth = depth;
      let cost = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          const def = fieldsOf(type)[sel.name.value];
          const childType = def ? getNamedType(def.type) : undefined;
          let child = { depth: depth + 1, cost: 0 };
          if (sel.selectionSet) child = measure(sel.selectionSet, childType, depth + 1, seen);
          const paginated = def?.args.some((a) => a.name === 'first');
          const multiplier = paginated ? Math.max(1, firstArg(sel)) : 1;
          cost += 1 + child.cost * multiplier;
          maxDepth = Math.max(maxDepth, child.depth);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const t = sel.typeCondition ? context.getSchema().getType(sel.typeCondition.name.value) : type;
          const r = measure(sel.selectionSet, t ?? undefined, depth, seen);
          cost += r.cost;
          maxDepth = Math.max(maxDepth, r.depth);
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (!frag || seen.has(name)) continue;
          const t = context.getSchema().getType(frag.typeCondition.name.value);
          const r = measure(frag.selectionSet, t ?? undefined, depth, new Set([...seen, name]));
          cost += r.cost;
          maxDepth = Math.max(maxDepth, r.depth);
        }
      }
      return { depth: maxDepth, cost };
    }

    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? context.getSchema().getQueryType() : node.operation === 'mutation' ? context.getSchema().getMutationType() : context.getSchema().getSubscriptionType();
        const { depth, cost } = measure(node.selectionSet, root ?? undefined, 0, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(new GraphQLError(`query is ${depth} levels deep; the limit is ${limits.maxDepth}`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP' } }));
        }
        if (cost > limits.maxCost) {
          context.reportError(new GraphQLError(`query cost ${cost} exceeds the limit of ${limits.maxCost}`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COMPLEX' } }));
        }
      },
    };
  };
}
