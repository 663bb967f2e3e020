/** Judges a snapshot: which objects are ready, which are not and why. Pure. */
import { PLATFORM } from '../../config/platform';
import { ClusterSnapshot, Condition, FluxRecord, GraphDefinitionRecord, InstanceRecord, TeamRecord } from './records';

/** The verdict on one object. */
export interface StatusRow {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly ready: boolean;
  /** Short state: the Ready condition's status for Flux, kro's `status.state` for kro objects. */
  readonly state: string;
  readonly reason?: string;
  readonly message?: string;
}

/** One team's verdicts. */
export interface TeamReport {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly ready: boolean;
  /** Its abstraction instances; led by a `Namespace` row in state MISSING when it has no namespace. */
  readonly instances: readonly StatusRow[];
}

/** The verdict on the whole snapshot; `--json` prints exactly this. */
export interface StatusReport {
  readonly server: string;
  readonly context: string;
  readonly ready: boolean;
  readonly flux: readonly StatusRow[];
  /** ResourceGraphDefinitions, then one row per abstraction kind the API does not serve yet. */
  readonly abstractions: readonly StatusRow[];
  readonly teams: readonly TeamReport[];
}

/** Judges every object of the snapshot. */
export function evaluate(snapshot: ClusterSnapshot): StatusReport {
  const flux = snapshot.flux.map(fluxRow);
  const abstractions = [
    ...snapshot.graphDefinitions.map(graphDefinitionRow),
    ...snapshot.unservedKinds.map((kind): StatusRow => ({
      kind,
      name: '-',
      ready: false,
      state: 'NOT SERVED',
      message: `${PLATFORM.abstractionApiVersion} does not serve ${kind} yet: its ResourceGraphDefinition is missing or not ready`,
    })),
  ];
  const teams = snapshot.teams.map(teamReport);
  const ready = [...flux, ...abstractions].every((row) => row.ready) && teams.every((team) => team.ready);
  return { server: snapshot.server, context: snapshot.context, ready, flux, abstractions, teams };
}

/** 0 when everything is ready, 1 when something is not. */
export function exitCodeOf(report: StatusReport): 0 | 1 {
  return report.ready ? 0 : 1;
}

/** Every row that is not ready, named `Kind namespace/name`, for one-line summaries. */
export function notReadyNames(report: StatusReport): string[] {
  return allRows(report)
    .filter((row) => !row.ready)
    .map((row) => `${row.kind} ${row.namespace ? `${row.namespace}/` : ''}${row.name}`);
}

/** How many rows are ready, out of how many. */
export function readyCounts(report: StatusReport): { ready: number; total: number } {
  const rows = allRows(report);
  return { ready: rows.filter((row) => row.ready).length, total: rows.length };
}

function allRows(report: StatusReport): StatusRow[] {
  return [...report.flux, ...report.abstractions, ...report.teams.flatMap((team) => team.instances)];
}

function readyCondition(conditions: readonly Condition[]): Condition | undefined {
  return conditions.find((condition) => condition.type === 'Ready');
}

function fluxRow(record: FluxRecord): StatusRow {
  const ready = readyCondition(record.conditions);
  const base = { kind: record.kind, namespace: record.namespace, name: record.name };
  if (record.suspended) return { ...base, ready: false, state: 'Suspended', message: 'reconciliation is suspended (flux resume to continue)' };
  if (!ready) return { ...base, ready: false, state: 'Unknown', message: 'not reconciled yet' };
  return { ...base, ready: ready.status === 'True', state: ready.status, reason: ready.reason, message: ready.message };
}

function graphDefinitionRow(record: GraphDefinitionRecord): StatusRow {
  const ready = readyCondition(record.conditions);
  // The Ready condition explains an Inactive state; a failing sub-condition explains a missing Ready.
  const explaining = ready?.status === 'True' ? ready : (record.conditions.find((condition) => condition.status !== 'True') ?? ready);
  return {
    kind: record.kind ? `ResourceGraphDefinition (${record.kind})` : 'ResourceGraphDefinition',
    name: record.name,
    ready: record.state === 'Active' && ready?.status !== 'False',
    state: record.state ?? 'Unknown',
    reason: explaining?.reason,
    message: explaining?.message,
  };
}

function instanceRow(record: InstanceRecord): StatusRow {
  const ready = readyCondition(record.conditions);
  const explaining = ready?.status === 'True' ? ready : (record.conditions.find((condition) => condition.status === 'False') ?? ready);
  return {
    kind: record.kind,
    ...(record.namespace ? { namespace: record.namespace } : {}),
    name: record.name,
    ready: record.state === 'ACTIVE' && ready?.status !== 'False',
    state: record.state ?? 'PENDING',
    reason: explaining?.reason,
    message: explaining?.message ?? (record.state ? undefined : 'kro has not reconciled it yet'),
  };
}

function teamReport(team: TeamRecord): TeamReport {
  const instances = team.instances.map(instanceRow);
  // A team without a namespace has no Workspace yet (or --team has a typo): nothing of it can run.
  if (team.namespaces.length === 0) {
    instances.unshift({
      kind: 'Namespace',
      name: `${PLATFORM.tenantLabel}=${team.name}`,
      ready: false,
      state: 'MISSING',
      message: `no namespace is labelled ${PLATFORM.tenantLabel}=${team.name}`,
    });
  }
  return { name: team.name, namespaces: team.namespaces, ready: instances.every((row) => row.ready), instances };
}
