import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { NotFoundError } from '../../src/operate/errors';
import { podsOf, readyPod } from '../../src/operate/pods';
import type { ClusterApi } from '../../src/status/api';

function pod(name: string, phase?: string, conditions?: Record<string, string>): V1Pod {
  const list: V1PodCondition[] | undefined = conditions && Object.entries(conditions).map(([type, status]) => ({ type, status }));
  return { metadata: { name }, ...(phase && { status: { phase, conditions: list } }) };
}

/** A cluster whose only pods are `pods`, in the order the API server lists them. */
function clusterWith(pods: V1Pod[]): ClusterApi {
  const unused = () => Promise.reject(new Error('not used'));
  return { server: 'https://127.0.0.1:6443', context: 'kind-dev', listPods: () => Promise.resolve(pods), listCustomObjects: unused, listNamespaces: unused, readSecret: unused };
}

describe('the pods an operator command talks to', () => {
  it('are in name order, whatever order the API server lists them in', async () => {
    const pods = await podsOf(clusterWith([pod('web-c'), pod('web-a'), pod('web-b')]), 'team-b', 'app=web', 'WebApplication team-b-web');
    expect(pods.map((each) => each.metadata!.name)).toEqual(['web-a', 'web-b', 'web-c']);
  });

  it('are a NotFoundError, naming what and where, when there are none', async () => {
    await expect(podsOf(clusterWith([]), 'team-b', 'app=web', 'WebApplication team-b-web')).rejects.toThrow(
      new NotFoundError('no pods of WebApplication team-b-web in namespace team-b (label app=web) on https://127.0.0.1:6443; is it deployed? npm run status shows what is not ready'),
    );
  });

  it('forward to the first pod that is Running with condition Ready True, and to no other', async () => {
    const pods = [
      pod('web-e', 'Running', { DisruptionTarget: 'False', Ready: 'True' }),
      pod('web-a', 'Running', { ContainersReady: 'True', Ready: 'False' }),
      pod('web-b', 'Pending', { Ready: 'True' }),
      pod('web-d', 'Running', { DisruptionTarget: 'False', Ready: 'True' }),
      pod('web-c', 'Running'),
    ];
    expect(await readyPod(clusterWith(pods), 'team-b', 'app=web', 'WebApplication team-b-web')).toBe('web-d');
  });

  it('say which pods there are, and in which phase, when none is ready', async () => {
    const pods = [pod('web-b', 'Pending'), pod('web-a', 'Running', { Ready: 'False' }), pod('web-c')];
    await expect(readyPod(clusterWith(pods), 'team-b', 'app=web', 'WebApplication team-b-web')).rejects.toThrow(
      new NotFoundError('no ready pod of WebApplication team-b-web in namespace team-b (web-a Running, web-b Pending, web-c Unknown); wait for it or look at its events'),
    );
  });
});
