/**
 * The order kro creates an RGD's resources in: a resource comes after every resource its
 * expressions refer to, and otherwise keeps its place in `spec.resources` (kro's
 * DirectedAcyclicGraph.TopologicalSort: repeated passes in declaration order, each taking every
 * resource whose dependencies are already taken).
 */
import type { Rgd } from './rgd';
import { listExpressions } from './rgd';

/** A resource id and the ids it depends on. */
export interface GraphNode {
  readonly id: string;
  readonly dependsOn: ReadonlySet<string>;
}

/** The RGD's resources with their dependencies, in creation order; or the cycle that prevents one. */
export type CreationOrder = { readonly order: readonly GraphNode[] } | { readonly cycle: readonly string[] };

const orders = new WeakMap<Rgd, CreationOrder>();

/** kro's creation order of `rgd`'s resources (computed once per RGD). */
export function creationOrder(rgd: Rgd): CreationOrder {
  let result = orders.get(rgd);
  if (!result) {
    result = topologicalSort(dependencies(rgd));
    orders.set(rgd, result);
  }
  return result;
}

/** Each resource's dependencies: the other resource ids its template, includeWhen and forEach refer to. */
export function dependencies(rgd: Rgd): GraphNode[] {
  const ids = new Set(rgd.resources.map((resource) => resource.id));
  const dependsOn = new Map(rgd.resources.map((resource) => [resource.id, new Set<string>()]));
  for (const site of listExpressions(rgd)) {
    // The status is computed after everything; readyWhen may only look at the resource itself.
    const id = site.resourceId;
    if (id === undefined) continue;
    if (site.field === 'readyWhen') continue;
    for (const reference of site.references) {
      if (ids.has(reference.root) && reference.root !== id) dependsOn.get(id)?.add(reference.root);
    }
  }
  return rgd.resources.map((resource) => ({ id: resource.id, dependsOn: dependsOn.get(resource.id) ?? new Set() }));
}

/** Kahn-style passes in declaration order, exactly as kro sorts. */
export function topologicalSort(nodes: readonly GraphNode[]): CreationOrder {
  const taken = new Set<string>();
  const order: GraphNode[] = [];
  while (order.length < nodes.length) {
    let progress = false;
    for (const node of nodes) {
      if (taken.has(node.id) || ![...node.dependsOn].every((id) => taken.has(id))) continue;
      order.push(node);
      taken.add(node.id);
      progress = true;
    }
    if (!progress) return { cycle: findCycle(nodes.filter((node) => !taken.has(node.id))) };
  }
  return { order };
}

function findCycle(remaining: readonly GraphNode[]): string[] {
  const byId = new Map(remaining.map((node) => [node.id, node]));
  // Stryker disable next-line ArrayDeclaration: a resource id is a CEL identifier, which the text Stryker puts in cannot equal
  const pathTaken: string[] = [];
  let current = remaining[0];
  while (!pathTaken.includes(current.id)) {
    pathTaken.push(current.id);
    const next = [...current.dependsOn].map((id) => byId.get(id)).find((node) => node !== undefined);
    if (!next) break;
    current = next;
  }
  return [...pathTaken.slice(pathTaken.indexOf(current.id)), current.id];
}
