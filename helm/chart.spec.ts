// The chart's proof where no Helm binary exists: the values against the schema, the template
// sources checked statically, then the chart rendered (helm/go-template.ts) and the manifests
// checked against the code they deploy: start scripts, ports, health routes, queue names and the
// apps' own configuration validation.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { apiChecks, apiSchema, commonSchema, ingestSchema, loadConfig, productionChecks, SECRET_VARIABLES, workerSchema } from '@watchfloor/config';
import { parseQueueList, QUEUE_NAMES } from '@watchfloor/queue';
import { checkActionBalance, definedTemplates, hasValuesPath, includedTemplates, valuesReferences, variableFields } from './chart-lint';
import { renderChart, ValuesSchemaError, type K8sObject, type RenderedChart } from './chart-render';
import { TemplateFailure } from './go-template';
import { validateJsonSchema } from './json-schema';

const repoRoot = path.resolve(__dirname, '..');
const chartDir = path.join(repoRoot, 'helm', 'watchfloor');
const templatesDir = path.join(chartDir, 'templates');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
const schema = readJson(path.join(chartDir, 'values.schema.json'));
const defaultValues = YAML.parse(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<string, any>;
const templateSources = new Map(fs.readdirSync(templatesDir).map((f) => [f, fs.readFileSync(path.join(templatesDir, f), 'utf8')]));
const packageJson = readJson(path.join(repoRoot, 'package.json'));
const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');

const SECRETS = {
  databaseUrl: 'postgres://watchfloor:pw@postgres.db:5432/watchfloor',
  redisUrl: 'redis://redis.db:6379',
  jwtSecret: 'j'.repeat(40),
  secretKey: 'k'.repeat(40),
  adminPassword: 'correct horse battery staple',
};

function render(values: Record<string, unknown> = {}, options: { skipSchema?: boolean } = {}): RenderedChart {
  const withSecrets = { ...values, secrets: { ...SECRETS, ...((values.secrets as object) ?? {}) } };
  return renderChart(chartDir, { values: withSecrets, skipSchema: options.skipSchema });
}

/** The .ts files under a folder, recursively (for checking names the chart refers to). */
function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listTs(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

function failureOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateFailure || err instanceof ValuesSchemaError) return err.message;
    throw err;
  }
  throw new Error('expected the render to fail');
}

const byKind = (r: RenderedChart, kind: string) => r.objects.filter((o) => o.kind === kind);
const named = (r: RenderedChart, kind: string, name: string): K8sObject => {
  const found = r.objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${r.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const container = (o: K8sObject) => o.spec.template.spec.containers[0];
const envOf = (c: any): Record<string, string> => Object.fromEntries((c.env ?? []).filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
const decode = (data: Record<string, string> = {}) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

/** The environment a pod really gets: its ConfigMap, its Secret and its own env entries. */
function podEnvironment(r: RenderedChart, deployment: K8sObject): Record<string, string> {
  const c = container(deployment);
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, named(r, 'ConfigMap', source.configMapRef.name).data);
    if (source.secretRef) Object.assign(env, decode(named(r, 'Secret', source.secretRef.name).data));
  }
  return Object.assign(env, envOf(c));
}

/** `node -r X Y` of an npm script, as [command, ...args]. */
const scriptTokens = (script: string) => String(packageJson.scripts[script]).split(' && ').pop()!.trim().split(/\s+/);

const defaults = { api: apiSchema.parse({}), ingest: ingestSchema.parse({}), worker: workerSchema.parse({}) };

describe('values.schema.json', () => {
  it('accepts the chart defaults', () => {
    expect(validateJsonSchema(schema, defaultValues)).toEqual([]);
  });

  it.each([
    ['a port given as a string', { api: { ...defaultValues.api, port: '3000' } }, 'api.port: must be integer'],
    ['an unknown key', { api: { ...defaultValues.api, replica: 2 } }, 'api.replica: is not allowed'],
    ['a queue that does not exist', { workers: [{ name: 'detect', queues: ['detection'] }] }, 'workers[0].queues[0]: must be one of'],
    ['a worker group without queues', { workers: [{ name: 'detect', queues: [] }] }, 'workers[0].queues: must have at least 1'],
    ['a worker group without a name', { workers: [{ queues: ['detect'] }] }, 'workers[0].name: is required'],
    ['a group name that is no DNS label', { workers: [{ name: 'Detect_1', queues: ['detect'] }] }, 'workers[0].name: must match'],
    ['a number where env strings are expected', { config: { ...defaultValues.config, EVENT_RETENTION_DAYS: 30 } }, 'config.EVENT_RETENTION_DAYS: must be string'],
    ['a config variable the apps do not know', { config: { ...defaultValues.config, EVENT_RETENTION: '30' } }, 'config.EVENT_RETENTION: is not allowed'],
    ['a bad log level', { config: { ...defaultValues.config, LOG_LEVEL: 'verbose' } }, 'config.LOG_LEVEL: must be one of'],
    ['a CPU target above 100 %', { api: { ...defaultValues.api, autoscaling: { ...defaultValues.api.autoscaling, targetCPUUtilizationPercentage: 150 } } }, 'must be at most 100'],
  ])('refuses %s', (_what, change, message) => {
    const problems = validateJsonSchema(schema, { ...defaultValues, ...change });
    expect(problems.join('\n')).toContain(message);
  });

  it('lists the same queues as libs/queue (QUEUE_NAMES)', () => {
    expect(schema.definitions.queueName.enum).toEqual([...QUEUE_NAMES]);
  });
});

describe('template sources', () => {
  it('have balanced actions and blocks in every file', () => {
    const problems = [...templateSources].flatMap(([file, source]) => checkActionBalance(source, file));
    expect(problems).toEqual([]);
  });

  it('the balance check finds what is wrong, with its line', () => {
    expect(checkActionBalance('a\n{{ if .x }}\nb\n', 't')).toEqual(['t:2: if is never closed with end']);
    expect(checkActionBalance('{{ end }}', 't')).toEqual(['t:1: end without an open if/range/with/define']);
    expect(checkActionBalance('{{ .x }\n{{ .y }}', 't')).toEqual(['t:1: "{{" is never closed with "}}"']);
    expect(checkActionBalance('x }}', 't')).toEqual(['t:1: "}}" without a matching "{{"']);
    expect(checkActionBalance('{{ define "a" }}{{ else }}{{ end }}', 't')).toEqual(['t:1: else outside if/range/with']);
    expect(checkActionBalance('{{- /* a {{ b }} c */ -}}{{ with .x }}{{ end }}', 't')).toEqual([]);
  });

  it('read only .Values paths that values.yaml defines', () => {
    const missing = [...templateSources].flatMap(([file, source]) =>
      valuesReferences(source)
        .filter((ref) => !hasValuesPath(defaultValues, ref.path))
        .map((ref) => `${file}:${ref.line}: .Values.${ref.path.join('.')}`),
    );
    expect(missing).toEqual([]);
    expect(valuesReferences('{{ $root.Values.api.port }}')).toEqual([{ path: ['api', 'port'], line: 1 }]);
    expect(hasValuesPath(defaultValues, ['api', 'prot'])).toBe(false);
  });

  it('read only worker-group fields the schema defines', () => {
    const groupFields = new Set([...Object.keys(schema.properties.workers.items.properties), ...Object.keys(schema.properties.workerDefaults.properties)]);
    const bad = [...templateSources].flatMap(([file, source]) =>
      ['$w', '$group'].flatMap((v) => variableFields(source, v).filter((f) => !groupFields.has(f.field)).map((f) => `${file}:${f.line}: ${v}.${f.field}`)),
    );
    expect(bad).toEqual([]);
  });

  it('read only component fields that both api/ingest and worker groups have (shared helpers)', () => {
    const http = new Set(Object.keys(schema.definitions.httpComponent.properties));
    const worker = new Set(Object.keys(schema.properties.workerDefaults.properties));
    const source = templateSources.get('_helpers.tpl')!;
    const shared = ['watchfloor.deployment', 'watchfloor.hpa', 'watchfloor.pdb'].map((name) => {
      const start = source.indexOf(`define "${name}"`);
      return source.slice(start, source.indexOf('{{- define', start + 1));
    });
    const helpers = shared.join('\n');
    const fields = [...variableFields(helpers, '$spec'), ...[...helpers.matchAll(/[^$\w]\.spec\.([A-Za-z]+)/g)].map((m) => ({ field: m[1], line: 0 }))];
    expect(fields.length).toBeGreaterThan(5);
    expect(fields.filter((f) => !http.has(f.field) || !worker.has(f.field))).toEqual([]);
  });

  it('include only templates that are defined', () => {
    const defined = new Set([...templateSources.values()].flatMap(definedTemplates));
    const unknown = [...templateSources].flatMap(([file, source]) => includedTemplates(source).filter((i) => !defined.has(i.name)).map((i) => `${file}:${i.line}: ${i.name}`));
    expect(unknown).toEqual([]);
  });

  it('know the queues libs/queue knows', () => {
    const helper = templateSources.get('_helpers.tpl')!.match(/define "watchfloor\.queueNames" -}}\s*([a-z,]+)/);
    expect(helper?.[1].split(',')).toEqual([...QUEUE_NAMES]);
  });

  it('configure only variables the apps read, and no secret in the ConfigMap', () => {
    const known = new Set([...Object.keys(apiSchema.shape), ...Object.keys(ingestSchema.shape), ...Object.keys(workerSchema.shape)]);
    const unknown = Object.keys(defaultValues.config).filter((k) => !known.has(k) && !k.startsWith('OTEL_'));
    expect(unknown).toEqual([]);
    expect(Object.keys(defaultValues.config).filter((k) => SECRET_VARIABLES.has(k))).toEqual([]);
    // Every secret variable reaches the pods through the chart's Secret.
    for (const name of SECRET_VARIABLES) expect(templateSources.get('secret.yaml')).toContain(`${name}:`);
  });
});

describe('rendered chart (defaults plus secrets)', () => {
  const r = render();
  const deployments = byKind(r, 'Deployment');
  const workerGroups: { name: string; queues: string[] }[] = defaultValues.workers;

  it('renders the expected objects, all valid YAML with DNS-safe names', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['w-watchfloor-api', 'w-watchfloor-ingest', ...workerGroups.map((g) => `w-watchfloor-worker-${g.name}`)].sort());
    expect(byKind(r, 'Service').map((s) => s.metadata.name).sort()).toEqual(['w-watchfloor-api', 'w-watchfloor-ingest']);
    expect(byKind(r, 'PodDisruptionBudget')).toHaveLength(deployments.length);
    expect(byKind(r, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(byKind(r, 'Ingress')).toHaveLength(0);
    expect(byKind(r, 'ServiceMonitor')).toHaveLength(0);
    expect(byKind(r, 'PrometheusRule')).toHaveLength(0);
    expect(byKind(r, 'Job').map((j) => j.metadata.name)).toEqual(['w-watchfloor-migrate']);
    for (const o of r.objects) {
      expect(o.apiVersion).toMatch(/^[a-z./0-9]+$/);
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    }
  });

  it('starts each container with its npm start script (same dist paths)', () => {
    const expectCommand = (d: K8sObject, script: string) => {
      const [command, ...args] = scriptTokens(script);
      expect([...container(d).command, ...container(d).args]).toEqual([command, ...args]);
      for (const file of args.filter((a) => a.endsWith('.js'))) {
        // The compiled file comes from a TypeScript source that exists.
        expect(fs.existsSync(path.join(repoRoot, file.replace(/^\.\/dist\/|^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
      }
    };
    expectCommand(named(r, 'Deployment', 'w-watchfloor-api'), 'start:api');
    expectCommand(named(r, 'Deployment', 'w-watchfloor-ingest'), 'start:ingest');
    for (const g of workerGroups) expectCommand(named(r, 'Deployment', `w-watchfloor-worker-${g.name}`), 'start:worker');
    expectCommand(named(r, 'Job', 'w-watchfloor-migrate'), 'migrate');
  });

  it('uses the ports libs/config defaults to, and sets them', () => {
    const cases: [string, string, number][] = [
      ['w-watchfloor-api', 'API_PORT', defaults.api.API_PORT],
      ['w-watchfloor-ingest', 'INGEST_PORT', defaults.ingest.INGEST_PORT],
      ...workerGroups.map((g): [string, string, number] => [`w-watchfloor-worker-${g.name}`, 'WORKER_PORT', defaults.worker.WORKER_PORT]),
    ];
    for (const [name, variable, port] of cases) {
      const c = container(named(r, 'Deployment', name));
      expect(c.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(envOf(c)[variable]).toBe(String(port));
    }
    expect([3000, 3001, 3002]).toEqual([defaults.api.API_PORT, defaults.ingest.INGEST_PORT, defaults.worker.WORKER_PORT]);
    for (const s of byKind(r, 'Service')) expect(s.spec.ports[0].targetPort).toBe('http');
  });

  it('probes the health routes libs/health serves, on the http port', () => {
    const controller = fs.readFileSync(path.join(repoRoot, 'libs', 'health', 'health.module.ts'), 'utf8');
    const routes = new Set([...controller.matchAll(/@Get\('([^']+)'\)/g)].map((m) => `/${m[1]}`));
    expect(routes).toEqual(new Set(['/health/live', '/health/ready', '/metrics']));
    for (const d of [...deployments]) {
      const c = container(d);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      for (const probe of [c.livenessProbe, c.startupProbe, c.readinessProbe]) expect(routes.has(probe.httpGet.path)).toBe(true);
    }
  });

  it('runs every pod as uid 10001 (the image user) with a read-only root and /tmp on an emptyDir', () => {
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    for (const workload of [...deployments, ...byKind(r, 'Job')]) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      const c = pod.containers[0];
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: defaultValues.tmpSizeLimit } }]);
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
  });

  it('gives every pod an environment the app itself accepts (libs/config, production checks)', () => {
    const api = loadConfig(apiSchema, podEnvironment(r, named(r, 'Deployment', 'w-watchfloor-api')), apiChecks);
    expect(api.NODE_ENV).toBe('production');
    expect(api.API_PORT).toBe(3000);
    expect(api.DATABASE_URL).toBe(SECRETS.databaseUrl);
    expect(api.JWT_REFRESH_TTL_SECONDS).toBe(1209600);
    const ingest = loadConfig(ingestSchema, podEnvironment(r, named(r, 'Deployment', 'w-watchfloor-ingest')), productionChecks);
    expect(ingest.INGEST_PORT).toBe(3001);
    expect(ingest.INGEST_MAX_BODY_BYTES).toBe(10485760);
    for (const g of workerGroups) {
      const worker = loadConfig(workerSchema, podEnvironment(r, named(r, 'Deployment', `w-watchfloor-worker-${g.name}`)), productionChecks);
      expect(parseQueueList(worker.WORKER_QUEUES)).toEqual(g.queues);
      expect(worker.QUEUE_PREFIX).toBe('{wf}');
    }
  });

  it('runs one Deployment per worker group, each consuming only its queues, together all queues', () => {
    const consumed = new Set<string>();
    for (const g of workerGroups) {
      const env = envOf(container(named(r, 'Deployment', `w-watchfloor-worker-${g.name}`)));
      expect(env.WORKER_QUEUES).toBe(g.queues.join(','));
      g.queues.forEach((q) => consumed.add(q));
    }
    expect([...consumed].sort()).toEqual([...QUEUE_NAMES].sort());
    // Detection and delivery are separate Deployments, so they scale apart.
    const detect = workerGroups.find((g) => g.queues.includes('detect'))!;
    const deliver = workerGroups.find((g) => g.queues.includes('deliver'))!;
    expect(detect.name).not.toBe(deliver.name);
  });

  it('fills worker groups from workerDefaults, the group winning', () => {
    const general = container(named(r, 'Deployment', 'w-watchfloor-worker-general'));
    expect(general.resources).toEqual(defaultValues.workerDefaults.resources);
    expect(envOf(general).WORKER_CONCURRENCY).toBe(String(defaultValues.workerDefaults.concurrency));
    const detect = container(named(r, 'Deployment', 'w-watchfloor-worker-detect'));
    expect(envOf(detect).WORKER_CONCURRENCY).toBe('4');
    expect(detect.resources.limits.memory).toBe('1536Mi');
    expect(named(r, 'Deployment', 'w-watchfloor-worker-detect').spec.replicas).toBe(2);
    expect(named(r, 'Deployment', 'w-watchfloor-worker-general').spec.replicas).toBe(1);
  });

  it('puts checksums of the rendered ConfigMap and Secret on the pods', () => {
    const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
    for (const d of deployments) {
      const annotations = d.spec.template.metadata.annotations;
      expect(annotations['checksum/config']).toBe(sha(r.files.get('configmap.yaml')!));
      expect(annotations['checksum/secret']).toBe(sha(r.files.get('secret.yaml')!));
    }
    const changed = render({ config: { LOG_LEVEL: 'debug' } });
    const after = named(changed, 'Deployment', 'w-watchfloor-api').spec.template.metadata.annotations;
    const before = named(r, 'Deployment', 'w-watchfloor-api').spec.template.metadata.annotations;
    expect(after['checksum/config']).not.toBe(before['checksum/config']);
    expect(after['checksum/secret']).toBe(before['checksum/secret']);
    const rotated = render({ secrets: { jwtSecret: 'x'.repeat(40) } });
    expect(named(rotated, 'Deployment', 'w-watchfloor-api').spec.template.metadata.annotations['checksum/secret']).not.toBe(before['checksum/secret']);
  });

  it('leaves unset (empty) configuration out of the ConfigMap', () => {
    const data = named(r, 'ConfigMap', 'w-watchfloor-config').data!;
    expect(data.OIDC_ISSUER).toBeUndefined();
    expect(data.EVENT_RETENTION_DAYS).toBe('90');
  });

  it('runs migrations as a pre-install/pre-upgrade hook Job, with a hook-scoped copy of the database secret', () => {
    const job = named(r, 'Job', 'w-watchfloor-migrate');
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const hookSecret = named(r, 'Secret', 'w-watchfloor-migrate');
    expect(hookSecret.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    // The secret must exist before the Job runs: a lower hook weight.
    expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations!['helm.sh/hook-weight']));
    expect(container(job).envFrom).toEqual([{ secretRef: { name: 'w-watchfloor-migrate' } }]);
    // What migrate.ts reads (commonSchema) is valid from the Job's own environment.
    const env = { ...envOf(container(job)), ...decode(hookSecret.data) };
    expect(loadConfig(commonSchema, env).DATABASE_URL).toBe(SECRETS.databaseUrl);
    expect(env.WATCHFLOOR_ADMIN_PASSWORD).toBe(SECRETS.adminPassword);
  });

  it('limits network traffic: ingress to api and ingest only, workers closed, egress to DNS, Postgres, Redis', () => {
    const policies = byKind(r, 'NetworkPolicy');
    const egress = named(r, 'NetworkPolicy', 'w-watchfloor-egress');
    expect(egress.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'watchfloor', 'app.kubernetes.io/instance': 'w' });
    const ports = egress.spec.egress.flatMap((rule: any) => rule.ports.map((p: any) => `${p.port}/${p.protocol}`));
    expect(ports.sort()).toEqual(['53/TCP', '53/UDP', '5432/TCP', '6379/TCP']);
    expect(named(r, 'NetworkPolicy', 'w-watchfloor-api').spec.ingress).toEqual([{ ports: [{ port: 3000, protocol: 'TCP' }] }]);
    expect(named(r, 'NetworkPolicy', 'w-watchfloor-ingest').spec.ingress).toEqual([{ ports: [{ port: 3001, protocol: 'TCP' }] }]);
    for (const g of workerGroups) {
      const p = named(r, 'NetworkPolicy', `w-watchfloor-worker-${g.name}`);
      expect(p.spec.policyTypes).toContain('Ingress');
      expect(p.spec.ingress).toEqual([]);
      const https = (p.spec.egress ?? []).filter((rule: any) => rule.ports.some((x: any) => x.port === 443));
      if (g.queues.includes('deliver')) {
        expect(https).toHaveLength(1);
        expect(https[0].to[0].ipBlock.cidr).toBe('0.0.0.0/0');
        expect(https[0].to[0].ipBlock.except).toContain('169.254.0.0/16');
      } else {
        expect(https).toHaveLength(0);
      }
    }
    // The api reaches no HTTPS endpoint unless an OIDC issuer is configured.
    expect(named(r, 'NetworkPolicy', 'w-watchfloor-api').spec.egress).toBeUndefined();
    expect(policies.length).toBe(3 + workerGroups.length);
  });

  it('renders NOTES.txt with each worker group and its queues', () => {
    for (const g of workerGroups) expect(r.notes).toContain(`w-watchfloor-worker-${g.name}: ${g.queues.join(', ')}`);
    expect(r.notes).toContain('port-forward svc/w-watchfloor-api');
  });
});

describe('rendered chart with options', () => {
  it('lets metrics scrapers reach workers when networkPolicy.metricsFrom is set', () => {
    const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }];
    const r = render({ networkPolicy: { metricsFrom: from } });
    expect(named(r, 'NetworkPolicy', 'w-watchfloor-worker-detect').spec.ingress).toEqual([{ ports: [{ port: 3002, protocol: 'TCP' }], from }]);
  });

  it('opens HTTPS egress for the api when OIDC is configured', () => {
    const r = render({ config: { OIDC_ISSUER: 'https://login.example.com', OIDC_AUDIENCE: 'watchfloor' }, secrets: { jwtSecret: '' } });
    const api = named(r, 'NetworkPolicy', 'w-watchfloor-api');
    expect(api.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(api.spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    // No JWT secret is needed with SSO, and the api accepts that environment.
    expect(named(r, 'Secret', 'w-watchfloor').data!.JWT_SECRET).toBeUndefined();
    expect(() => loadConfig(apiSchema, podEnvironment(r, named(r, 'Deployment', 'w-watchfloor-api')), apiChecks)).not.toThrow();
  });

  it('autoscales by CPU plus any external (queue-depth) metric, leaving replicas to the HPA', () => {
    const queueDepth = { type: 'External', external: { metric: { name: 'watchfloor_queue_waiting', selector: { matchLabels: { queue: 'detect' } } }, target: { type: 'AverageValue', averageValue: '50' } } };
    const workers = defaultValues.workers.map((g: any) => (g.name === 'detect' ? { ...g, autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 10, externalMetrics: [queueDepth] } } : g));
    const r = render({ workers, api: { autoscaling: { enabled: true } } });
    const hpas = byKind(r, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual(['w-watchfloor-api', 'w-watchfloor-worker-detect']);
    const detect = named(r, 'HorizontalPodAutoscaler', 'w-watchfloor-worker-detect');
    expect(detect.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'w-watchfloor-worker-detect' });
    expect(detect.spec.minReplicas).toBe(2);
    expect(detect.spec.maxReplicas).toBe(10);
    expect(detect.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }, queueDepth]);
    expect(named(r, 'Deployment', 'w-watchfloor-worker-detect').spec.replicas).toBeUndefined();
    expect(named(r, 'Deployment', 'w-watchfloor-worker-delivery').spec.replicas).toBe(2);
  });

  it('renders neither HPA nor replicas for a group whose replicas KEDA manages', () => {
    const workers = defaultValues.workers.map((g: any) => (g.name === 'detect' ? { ...g, autoscaling: { externallyManaged: true } } : g));
    const r = render({ workers });
    expect(named(r, 'Deployment', 'w-watchfloor-worker-detect').spec.replicas).toBeUndefined();
    expect(byKind(r, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(named(r, 'Deployment', 'w-watchfloor-worker-general').spec.replicas).toBe(1);
  });

  it('routes only the public paths through the Ingress', () => {
    const r = render({ ingress: { enabled: true, className: 'nginx', api: { host: 'soc.example.com' }, ingest: { host: 'ingest.example.com' }, tls: [{ secretName: 'wf-tls', hosts: ['soc.example.com', 'ingest.example.com'] }] } });
    const ingress = byKind(r, 'Ingress')[0];
    expect(ingress.spec.ingressClassName).toBe('nginx');
    const routes = ingress.spec.rules.flatMap((rule: any) => rule.http.paths.map((p: any) => `${rule.host}${p.path} -> ${p.backend.service.name}:${p.backend.service.port.name}`));
    expect(routes).toEqual([
      'soc.example.com/graphql -> w-watchfloor-api:http',
      'soc.example.com/reports -> w-watchfloor-api:http',
      'ingest.example.com/v1 -> w-watchfloor-ingest:http',
    ]);
    const services = new Set(byKind(r, 'Service').map((s) => s.metadata.name));
    expect(ingress.spec.rules.every((rule: any) => rule.http.paths.every((p: any) => services.has(p.backend.service.name)))).toBe(true);
    expect(r.notes).toContain('https://ingest.example.com/v1/events');
  });

  it('adds a ServiceMonitor and headless worker Services that it can select', () => {
    const r = render({ serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } });
    const monitor = byKind(r, 'ServiceMonitor')[0];
    expect(monitor.metadata.labels!.release).toBe('prometheus');
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    const selected = byKind(r, 'Service').filter((s) => Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels![k] === v));
    expect(selected.map((s) => s.metadata.name).sort()).toEqual(['w-watchfloor-api', 'w-watchfloor-ingest', 'w-watchfloor-worker-delivery', 'w-watchfloor-worker-detect', 'w-watchfloor-worker-general']);
    expect(named(r, 'Service', 'w-watchfloor-worker-detect').spec.clusterIP).toBe('None');
  });

  it('adds a PrometheusRule whose alerts read metrics the apps export, with the thresholds from values', () => {
    const r = render({ prometheusRule: { enabled: true, labels: { release: 'prometheus' }, detectionStalledSeconds: 120, detectBacklogJobs: 5000, graphqlP95Seconds: 0.5 } });
    const [rule] = byKind(r, 'PrometheusRule');
    expect(rule.metadata.labels!.release).toBe('prometheus');
    const alerts = rule.spec.groups.flatMap((g: any) => g.rules) as Array<{ alert: string; expr: string; labels: { severity: string } }>;
    expect(alerts.map((a) => a.alert)).toEqual([
      'WatchfloorDetectionStalled', 'WatchfloorDetectBacklog', 'WatchfloorPagingCircuitOpen', 'WatchfloorPagingEndpointDisabled',
      'WatchfloorWebhookDeliveriesDead', 'WatchfloorIngestErrors', 'WatchfloorGraphqlSlow',
    ]);
    const byName = new Map(alerts.map((a) => [a.alert, a]));
    expect(byName.get('WatchfloorDetectionStalled')).toMatchObject({ expr: 'max(watchfloor_ingest_oldest_pending_batch_seconds) > 120', labels: { severity: 'critical' } });
    expect(byName.get('WatchfloorGraphqlSlow')!.expr).toMatch(/watchfloor_graphql_request_seconds_bucket.*> 0\.5$/);
    // Every metric an alert reads is one the code registers (a renamed metric would leave an alert that never fires).
    const source = ['libs', 'apps'].flatMap((d) => listTs(path.join(chartDir, '../..', d))).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const a of alerts) {
      for (const [, metric] of a.expr.matchAll(/(watchfloor_[a-z_]+?)(?:_bucket)?[{)[ ]/g)) expect({ alert: a.alert, metric, registered: source.includes(`'${metric}'`) }).toEqual({ alert: a.alert, metric, registered: true });
    }
    expect(() => render({ prometheusRule: { enabled: true, labels: {}, detectionStalledSeconds: 5, detectBacklogJobs: 1, graphqlP95Seconds: 1 } })).toThrow(/detectionStalledSeconds/);
  });

  it('uses an existingSecret instead of creating one', () => {
    const r = renderChart(chartDir, { values: { secrets: { existingSecret: 'watchfloor-prod' }, config: { WATCHFLOOR_ADMIN_EMAIL: 'admin@msp.example' } } });
    expect(byKind(r, 'Secret')).toHaveLength(0);
    for (const d of byKind(r, 'Deployment')) expect(container(d).envFrom[1]).toEqual({ secretRef: { name: 'watchfloor-prod' } });
    expect(container(named(r, 'Job', 'w-watchfloor-migrate')).envFrom).toEqual([{ secretRef: { name: 'watchfloor-prod' } }]);
    const sum = named(r, 'Deployment', 'w-watchfloor-api').spec.template.metadata.annotations['checksum/secret'];
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
    expect(r.notes).toContain('rollout restart');
  });

  it('can leave out api, ingest and migrations', () => {
    const r = render({ api: { enabled: false }, ingest: { enabled: false }, migrations: { enabled: false } });
    expect(byKind(r, 'Deployment').map((d) => d.metadata.name)).toEqual(defaultValues.workers.map((g: any) => `w-watchfloor-worker-${g.name}`));
    expect(byKind(r, 'Job')).toHaveLength(0);
    expect(byKind(r, 'Service')).toHaveLength(0);
  });
});

describe('impossible combinations fail the render with a message naming the value', () => {
  const group = (name: string, queues: string[]) => ({ name, queues });
  const allQueues = [group('all', [...QUEUE_NAMES])];

  it.each<[string, () => unknown, string]>([
    ['no secret and no existingSecret', () => renderChart(chartDir, {}), 'no secret: set secrets.existingSecret'],
    ['an existingSecret together with secret values', () => render({ secrets: { existingSecret: 'mine' } }), 'secrets.existingSecret is set together with secret values'],
    ['a database URL that is not postgres', () => render({ secrets: { databaseUrl: 'mysql://db/wf' } }), 'secrets.databaseUrl must be a postgres://'],
    ['production without the encryption key', () => render({ secrets: { secretKey: '' } }), 'secrets.secretKey is required when config.NODE_ENV is production'],
    ['production without JWT secret or OIDC', () => render({ secrets: { jwtSecret: '' } }), 'secrets.jwtSecret is required in production'],
    ['a short JWT secret', () => render({ secrets: { jwtSecret: 'short' } }), 'secrets.jwtSecret must be at least 32 characters'],
    ['an admin e-mail without a password', () => render({ config: { WATCHFLOOR_ADMIN_EMAIL: 'a@b.example' }, secrets: { adminPassword: '' } }), 'secrets.adminPassword is empty'],
    ['an OIDC issuer without audience', () => render({ config: { OIDC_ISSUER: 'https://id.example.com' } }), 'config.OIDC_AUDIENCE is required'],
    ['a worker group with no queues (schema)', () => render({ workers: [group('x', []), ...allQueues] }), 'workers[0].queues: must have at least 1'],
    ['a worker group with no queues (template)', () => render({ workers: [group('x', []), ...allQueues] }, { skipSchema: true }), 'workers[0] (x) has no queues'],
    ['an unknown queue (template)', () => render({ workers: [group('x', ['detection']), ...allQueues] }, { skipSchema: true }), 'names unknown queue "detection"'],
    ['a queue no group consumes', () => render({ workers: [group('detect', ['detect']), group('rest', ['incidents', 'sla', 'deliver', 'maintenance'])] }), 'queue "reports" is consumed by no worker group'],
    ['two groups with one name', () => render({ workers: [group('a', ['detect']), group('a', [...QUEUE_NAMES])] }), 'the group name "a" is used twice'],
    ['two autoscalers for one group', () => render({ workers: [{ name: 'all', queues: [...QUEUE_NAMES], autoscaling: { enabled: true, externallyManaged: true } }] }), 'workers[0] (all): autoscaling.enabled and autoscaling.externallyManaged are both true'],
    ['autoscaling with min above max', () => render({ ingest: { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } } }), 'ingest.autoscaling.minReplicas is above'],
    ['a grace period shorter than the shutdown', () => render({ terminationGracePeriodSeconds: 20 }), 'terminationGracePeriodSeconds (20 s) must exceed'],
    ['an Ingress without hosts', () => render({ ingress: { enabled: true } }), 'ingress.enabled is true but neither'],
  ])('%s', (_what, run, message) => {
    expect(failureOf(run)).toContain(message);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds in stages from node:20-bookworm-slim and installs only production dependencies at run time', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages.map((s) => s.split('\n')[0])).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS deps', '${NODE_IMAGE} AS runtime']);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/RUN npm run build/);
    expect(stages[1]).toMatch(/RUN npm ci --omit=dev/);
    const runtime = stages[2];
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toContain('COPY --from=deps /app/node_modules ./node_modules');
    expect(runtime).toContain('COPY --from=build /src/dist ./dist');
    expect(runtime).toMatch(/^COPY rules \.\/rules$/m);
    expect(runtime).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
  });

  it('runs the api by default with node as entrypoint, exposing the apps\' ports', () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node"\]$/m);
    const cmd = JSON.parse(dockerfile.match(/^CMD (.+)$/m)![1]) as string[];
    expect(['node', ...cmd]).toEqual(scriptTokens('start:api'));
    const exposed = dockerfile.match(/^EXPOSE (.+)$/m)![1].split(/\s+/).map(Number);
    expect(exposed).toEqual([defaults.api.API_PORT, defaults.ingest.INGEST_PORT, defaults.worker.WORKER_PORT]);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.env.*', '.git']) expect(ignored).toContain(entry);
    // Nothing the build needs is ignored.
    for (const needed of ['apps', 'libs', 'scripts', 'migrations', 'rules', 'package.json', 'package-lock.json']) expect(ignored).not.toContain(needed);
  });
});
