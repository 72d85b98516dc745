// The report filters (namespace, user, status code) and, for the resource report, the resource
// plural; applied together with Apply so typing does not run the report on every key.
import { useEffect, useState } from 'react';
import type { Navigate } from '../App.js';
import type { ViewState } from '../lib/state.js';

/** Resource plurals offered by the picker; any other plural (a CRD) can be typed. */
const COMMON_RESOURCES = [
  'pods',
  'deployments',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'services',
  'ingresses',
  'configmaps',
  'secrets',
  'persistentvolumeclaims',
  'namespaces',
  'nodes',
  'roles',
  'clusterroles',
  'rolebindings',
  'clusterrolebindings',
  'serviceaccounts',
  'networkpolicies',
  'customresourcedefinitions',
  'virtualservices',
  'gateways',
  'destinationrules',
];

export function ReportFilters({
  state,
  navigate,
  resourceParam,
}: {
  state: ViewState;
  navigate: Navigate;
  resourceParam: string | null;
}) {
  const [namespace, setNamespace] = useState(state.namespace);
  const [user, setUser] = useState(state.user);
  const [status, setStatus] = useState(state.status);
  const [resource, setResource] = useState(resourceParam ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setNamespace(state.namespace);
    setUser(state.user);
    setStatus(state.status);
  }, [state.namespace, state.user, state.status]);
  useEffect(() => setResource(resourceParam ?? ''), [resourceParam]);

  return (
    <form
      className="filters"
      aria-label="Report filters"
      onSubmit={(e) => {
        e.preventDefault();
        if (status && !/^\d{3}$/.test(status.trim())) {
          return setError('A status code is three digits, e.g. 403.');
        }
        if (resourceParam !== null && resource.trim() && !/^[a-z0-9.-]+$/.test(resource.trim())) {
          return setError(
            'A resource is a lower-case plural such as deployments or virtualservices.networking.istio.io.',
          );
        }
        setError(null);
        navigate({
          namespace: namespace.trim(),
          user: user.trim(),
          status: status.trim(),
          ...(resourceParam !== null ? { resource: resource.trim() } : {}),
        });
      }}
    >
      {resourceParam !== null && (
        <label className="field">
          <span>Resource</span>
          <input
            list="resource-plurals"
            value={resource}
            onChange={(e) => setResource(e.target.value)}
            placeholder="pods"
            aria-label="Resource (plural)"
          />
          <datalist id="resource-plurals">
            {COMMON_RESOURCES.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </label>
      )}
      <label className="field">
        <span>Namespace</span>
        <input
          value={namespace}
          onChange={(e) => setNamespace(e.target.value)}
          placeholder="any"
          aria-label="Namespace"
        />
      </label>
      <label className="field">
        <span>User</span>
        <input value={user} onChange={(e) => setUser(e.target.value)} placeholder="any" aria-label="User" />
      </label>
      <label className="field narrow">
        <span>Status</span>
        <input
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          placeholder="any"
          inputMode="numeric"
          aria-label="Status code"
        />
      </label>
      <button type="submit">Apply</button>
      {(state.namespace || state.user || state.status) && (
        <button
          type="button"
          className="link"
          onClick={() => navigate({ namespace: '', user: '', status: '' })}
        >
          Clear filters
        </button>
      )}
      {error && (
        <span className="inline-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
