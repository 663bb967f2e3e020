import * as path from 'path';
import { ROOT } from '../../src/paths';
import { loadUserSpace } from '../../src/user-space';

/** cluster/e2e-verdict.js: plain JavaScript, so the e2e runs it with node alone. */
interface Verdict {
  declaredInstances(folder: string): { kind: string; name: string }[];
  loadExpectations(file: string): Expectations;
  judgeTeam(team: string, declared: { kind: string; name: string }[], report: unknown, expectations: Expectations, pods: unknown): { problems: string[]; notes: string[] };
}

interface Expectations {
  notReady: { team: string; kind: string; name: string; why: string; evidence: { pods: string; reasons: string[] } }[];
  traffic: {
    http: { team: string; webApplication: string; bodyContains: string };
    kafka: { team: string; topic: string; otherTeam: string };
    postgres: { team: string; infrastructure: string };
    virtualCluster: { team: string; name: string };
    observability: { team: string; webApplication: string; otherTeam: string };
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const verdict = require(path.join(ROOT, 'cluster', 'e2e-verdict.js')) as Verdict;
const expectations = verdict.loadExpectations(path.join(ROOT, 'cluster', 'e2e-expectations.yaml'));
const userSpace = loadUserSpace({ root: ROOT });

describe('cluster/e2e-expectations.yaml', () => {
  const declared = (team: string) => verdict.declaredInstances(path.join(ROOT, 'user-space', team));

  it('expects only instances the example teams declare not to become ready, each with its reason and evidence', () => {
    expect(expectations.notReady.length).toBeGreaterThan(0);
    for (const entry of expectations.notReady) {
      expect(declared(entry.team)).toContainEqual({ kind: entry.kind, name: entry.name });
      expect(entry.why.length).toBeGreaterThan(40);
      expect(entry.evidence.reasons.length).toBeGreaterThan(0);
      expect(entry.evidence.pods).toBe(`app.kubernetes.io/instance=${entry.name}`);
    }
  });

  it('sends traffic to instances that exist, and expects from the web application what it is told to serve', () => {
    const { http, kafka, postgres, virtualCluster, observability } = expectations.traffic;
    const instance = (team: string, kind: string, name: string) => userSpace.teamsFor('dev').find((entry) => entry.team === team)!.instances.find((entry) => entry.kind === kind && entry.metadata.name === name);
    const web = instance(http.team, 'WebApplication', http.webApplication)!;
    expect(Object.values(web.spec.env as Record<string, string>)).toContain(http.bodyContains);
    expect(instance(kafka.team, 'Topic', kafka.topic)).toBeDefined();
    expect(declared(kafka.otherTeam)).toContainEqual({ kind: 'Workspace', name: kafka.otherTeam });
    expect(instance(postgres.team, 'Infrastructure', postgres.infrastructure)).toBeDefined();
    expect(instance(virtualCluster.team, 'VirtualCluster', virtualCluster.name)).toBeDefined();
    // The application whose metrics and logs the e2e looks for is scraped (it declares metrics), and the other team exists.
    expect(instance(observability.team, 'WebApplication', observability.webApplication)?.spec.metrics).toBeDefined();
    expect(declared(observability.otherTeam)).toContainEqual({ kind: 'Workspace', name: observability.otherTeam });
    expect(observability.otherTeam).not.toBe(observability.team);
    // None of them may be one that is expected not to work.
    for (const [team, name] of [[http.team, http.webApplication], [postgres.team, postgres.infrastructure], [observability.team, observability.webApplication]]) expect(expectations.notReady).not.toContainEqual(expect.objectContaining({ team, name }));
  });
});

describe("the e2e's verdict on a team", () => {
  const declared = [
    { kind: 'Workspace', name: 'team-a' },
    { kind: 'WebApplication', name: 'team-a-instance' },
    { kind: 'Topic', name: 'team-a-01' },
  ];
  const row = (kind: string, name: string, ready: boolean, state = ready ? 'ACTIVE' : 'IN_PROGRESS') => ({ kind, name, ready, state, message: ready ? undefined : 'resource deployment: readyWhen condition evaluated to false' });
  const report = (...instances: object[]) => ({ teams: [{ name: 'team-a', instances }] });
  const pods = (...reasons: string[]) => ({
    items: [
      { metadata: { labels: { 'app.kubernetes.io/instance': 'team-a-instance' } }, status: { containerStatuses: reasons.map((reason) => ({ state: { waiting: { reason } } })) } },
      { metadata: { labels: { 'app.kubernetes.io/instance': 'other' } }, status: { containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] } },
    ],
  });
  const judge = (statusReport: unknown, podList: unknown, rules: Expectations = expectations) => verdict.judgeTeam('team-a', declared, statusReport, rules, podList);

  it("passes when every instance is ready but the expected one, which shows the expected reason", () => {
    const result = judge(report(row('Workspace', 'team-a', true), row('WebApplication', 'team-a-instance', false), row('Topic', 'team-a-01', true)), pods('CrashLoopBackOff'));
    expect(result.problems).toEqual([]);
    expect(result.notes).toContain(`WebApplication team-a-instance is not ready, as expected (CrashLoopBackOff): ${expectations.notReady[0].why}`);
  });

  it('fails when another instance is not ready', () => {
    const result = judge(report(row('Workspace', 'team-a', true), row('WebApplication', 'team-a-instance', false), row('Topic', 'team-a-01', false)), pods('CrashLoopBackOff'));
    expect(result.problems).toEqual(['Topic team-a-01 is IN_PROGRESS: resource deployment: readyWhen condition evaluated to false']);
  });

  it('fails when an instance does not exist', () => {
    expect(judge(report(row('Workspace', 'team-a', true), row('WebApplication', 'team-a-instance', false)), pods('CrashLoopBackOff')).problems).toEqual(['Topic team-a-01 does not exist in the cluster']);
  });

  it('fails when the expected instance is not ready for another reason than the one stated', () => {
    const result = judge(report(row('Workspace', 'team-a', true), row('WebApplication', 'team-a-instance', false), row('Topic', 'team-a-01', true)), pods('ImagePullBackOff'));
    expect(result.problems).toEqual([expect.stringMatching(/^WebApplication team-a-instance is not ready, but not for the expected reason: .*\(seen: ImagePullBackOff\)/)]);
  });

  it('fails when the expected instance is ready after all, so the entry cannot outlive its reason', () => {
    const result = judge(report(row('Workspace', 'team-a', true), row('WebApplication', 'team-a-instance', true), row('Topic', 'team-a-01', true)), pods());
    expect(result.problems).toEqual([expect.stringMatching(/^WebApplication team-a-instance is ready, but cluster\/e2e-expectations.yaml expects it not to be .*: remove the entry$/)]);
  });

  it('fails on an entry for an instance the team does not declare', () => {
    const stale = { ...expectations, notReady: [...expectations.notReady, { ...expectations.notReady[0], name: 'team-a-gone' }] };
    const result = judge(report(row('Workspace', 'team-a', true), row('WebApplication', 'team-a-instance', false), row('Topic', 'team-a-01', true)), pods('Error'), stale);
    expect(result.problems).toEqual(['cluster/e2e-expectations.yaml expects WebApplication team-a-gone not to become ready, but the team declares no such instance: remove the entry']);
  });
});
