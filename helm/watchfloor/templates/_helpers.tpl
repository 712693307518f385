{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "watchfloor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "watchfloor.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's resources. Argument: (dict "root" $ "component" "api"). */}}
{{- define "watchfloor.componentName" -}}
{{- printf "%s-%s" (include "watchfloor.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select one component's pods. Argument: (dict "root" $ "component" "api"). */}}
{{- define "watchfloor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "watchfloor.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of every resource. Argument: (dict "root" $ "component" "api"). */}}
{{- define "watchfloor.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "watchfloor.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: watchfloor
{{- end -}}

{{- define "watchfloor.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret every process loads: the operator's own, or the one this chart creates. */}}
{{- define "watchfloor.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- include "watchfloor.fullname" . -}}
{{- end -}}
{{- end -}}

{{/*
Changes whenever the secret values change, so pods roll. An existingSecret's content is not
visible at render time: only its name counts (restart the pods after rotating it, see
docs/operations.md).
*/}}
{{- define "watchfloor.secretChecksum" -}}
{{- if .Values.secrets.existingSecret -}}
{{- printf "existingSecret:%s" .Values.secrets.existingSecret | sha256sum -}}
{{- else -}}
{{- include (print .Template.BasePath "/secret.yaml") . | sha256sum -}}
{{- end -}}
{{- end -}}

{{/* Every queue of the product, as libs/queue QUEUE_NAMES lists them (helm/chart.spec.ts compares). */}}
{{- define "watchfloor.queueNames" -}}
detect,incidents,sla,deliver,reports,maintenance
{{- end -}}

{{/* A worker group with workerDefaults filled in. Argument: (dict "root" $ "group" .). Returns YAML. */}}
{{- define "watchfloor.workerGroup" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.workerDefaults) (deepCopy .group)) -}}
{{- end -}}

{{- define "watchfloor.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "watchfloor.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Refuses values that cannot work, with a message naming the value to fix. Rendered by
configmap.yaml, which every install contains.
*/}}
{{- define "watchfloor.validate" -}}
{{- $s := .Values.secrets -}}
{{- $c := .Values.config -}}
{{- if $s.existingSecret -}}
{{- if or $s.databaseUrl $s.redisUrl $s.jwtSecret $s.secretKey $s.adminPassword -}}
{{- fail "secrets.existingSecret is set together with secret values (secrets.databaseUrl, ...): give one or the other" -}}
{{- end -}}
{{- else -}}
{{- if or (not $s.databaseUrl) (not $s.redisUrl) -}}
{{- fail "no secret: set secrets.existingSecret, or secrets.databaseUrl and secrets.redisUrl so the chart creates the Secret" -}}
{{- end -}}
{{- if not (or (hasPrefix "postgres://" $s.databaseUrl) (hasPrefix "postgresql://" $s.databaseUrl)) -}}
{{- fail "secrets.databaseUrl must be a postgres:// or postgresql:// URL" -}}
{{- end -}}
{{- if not (or (hasPrefix "redis://" $s.redisUrl) (hasPrefix "rediss://" $s.redisUrl)) -}}
{{- fail "secrets.redisUrl must be a redis:// or rediss:// URL" -}}
{{- end -}}
{{- if and $s.jwtSecret (lt (len $s.jwtSecret) 32) -}}
{{- fail "secrets.jwtSecret must be at least 32 characters" -}}
{{- end -}}
{{- if and $s.secretKey (lt (len $s.secretKey) 32) -}}
{{- fail "secrets.secretKey must be at least 32 characters" -}}
{{- end -}}
{{- if and $s.adminPassword (lt (len $s.adminPassword) 12) -}}
{{- fail "secrets.adminPassword must be at least 12 characters" -}}
{{- end -}}
{{- if eq $c.NODE_ENV "production" -}}
{{- if not $s.secretKey -}}
{{- fail "secrets.secretKey is required when config.NODE_ENV is production (it encrypts webhook secrets at rest)" -}}
{{- end -}}
{{- if and .Values.api.enabled (not $s.jwtSecret) (not (and $c.OIDC_ISSUER $c.OIDC_AUDIENCE)) -}}
{{- fail "secrets.jwtSecret is required in production, unless config.OIDC_ISSUER and config.OIDC_AUDIENCE are set" -}}
{{- end -}}
{{- end -}}
{{- if and $c.WATCHFLOOR_ADMIN_EMAIL (not $s.adminPassword) -}}
{{- fail "config.WATCHFLOOR_ADMIN_EMAIL is set but secrets.adminPassword is empty: the bootstrap admin cannot be created" -}}
{{- end -}}
{{- end -}}
{{- if and $c.OIDC_ISSUER (not $c.OIDC_AUDIENCE) -}}
{{- fail "config.OIDC_AUDIENCE is required when config.OIDC_ISSUER is set" -}}
{{- end -}}
{{- $known := splitList "," (include "watchfloor.queueNames" .) -}}
{{- $names := dict -}}
{{- $consumed := dict -}}
{{- range $i, $group := .Values.workers -}}
{{- if not $group.queues -}}
{{- fail (printf "workers[%d] (%s) has no queues: a worker group must consume at least one queue" $i $group.name) -}}
{{- end -}}
{{- if hasKey $names $group.name -}}
{{- fail (printf "workers: the group name %q is used twice" $group.name) -}}
{{- end -}}
{{- $_ := set $names $group.name true -}}
{{- range $q := $group.queues -}}
{{- if not (has $q $known) -}}
{{- fail (printf "workers[%d] (%s) names unknown queue %q (known: %s)" $i $group.name $q (join ", " $known)) -}}
{{- end -}}
{{- $_ := set $consumed $q true -}}
{{- end -}}
{{- $w := include "watchfloor.workerGroup" (dict "root" $ "group" $group) | fromYaml -}}
{{- if and $w.autoscaling.enabled $w.autoscaling.externallyManaged -}}
{{- fail (printf "workers[%d] (%s): autoscaling.enabled and autoscaling.externallyManaged are both true: two controllers would set the replicas" $i $group.name) -}}
{{- end -}}
{{- if and $w.autoscaling.enabled (gt (int $w.autoscaling.minReplicas) (int $w.autoscaling.maxReplicas)) -}}
{{- fail (printf "workers[%d] (%s): autoscaling.minReplicas is above autoscaling.maxReplicas" $i $group.name) -}}
{{- end -}}
{{- end -}}
{{- range $q := $known -}}
{{- if not (hasKey $consumed $q) -}}
{{- fail (printf "queue %q is consumed by no worker group, so its jobs would wait forever: add it to a group's queues" $q) -}}
{{- end -}}
{{- end -}}
{{- range $component := list "api" "ingest" -}}
{{- $spec := index $.Values $component -}}
{{- if and $spec.enabled $spec.autoscaling.enabled $spec.autoscaling.externallyManaged -}}
{{- fail (printf "%s: autoscaling.enabled and autoscaling.externallyManaged are both true: two controllers would set the replicas" $component) -}}
{{- end -}}
{{- if and $spec.enabled $spec.autoscaling.enabled (gt (int $spec.autoscaling.minReplicas) (int $spec.autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas is above %s.autoscaling.maxReplicas" $component $component) -}}
{{- end -}}
{{- end -}}
{{- if .Values.ingress.enabled -}}
{{- if not (or (and .Values.api.enabled .Values.ingress.api.host) (and .Values.ingest.enabled .Values.ingress.ingest.host)) -}}
{{- fail "ingress.enabled is true but neither ingress.api.host nor ingress.ingest.host is set (for an enabled component)" -}}
{{- end -}}
{{- end -}}
{{- $shutdownMs := int $c.SHUTDOWN_TIMEOUT_MS -}}
{{- $graceMs := mul .Values.terminationGracePeriodSeconds 1000 -}}
{{- if ge (add (mul .Values.preStopSleepSeconds 1000) $shutdownMs) $graceMs -}}
{{- fail (printf "terminationGracePeriodSeconds (%v s) must exceed preStopSleepSeconds (%v s) + config.SHUTDOWN_TIMEOUT_MS (%v ms), or pods are killed mid-shutdown" .Values.terminationGracePeriodSeconds .Values.preStopSleepSeconds $c.SHUTDOWN_TIMEOUT_MS) -}}
{{- end -}}
{{- end -}}

{{/*
One process's Deployment. Argument: (dict "root" $ "component" "api" "app" "api" "spec" .Values.api
"portEnv" "API_PORT" "extraEnv" (list (dict "name" "X" "value" "y"))).
The command is the app's npm start script: node -r ./dist/apps/<app>/instrument.js dist/apps/<app>/main.js.
*/}}
{{- define "watchfloor.deployment" -}}
{{- $root := .root -}}
{{- $spec := .spec -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "watchfloor.componentName" . }}
  labels:
    {{- include "watchfloor.labels" . | nindent 4 }}
spec:
  {{- if not (or $spec.autoscaling.enabled $spec.autoscaling.externallyManaged) }}
  replicas: {{ $spec.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "watchfloor.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "watchfloor.selectorLabels" . | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        checksum/secret: {{ include "watchfloor.secretChecksum" $root }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "watchfloor.podSecurityContext" . | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .app }}
          image: {{ include "watchfloor.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            - node
          args:
            - -r
            - ./dist/apps/{{ .app }}/instrument.js
            - dist/apps/{{ .app }}/main.js
          ports:
            - name: http
              containerPort: {{ $spec.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "watchfloor.fullname" $root }}-config
            - secretRef:
                name: {{ include "watchfloor.secretName" $root }}
          env:
            - name: {{ .portEnv }}
              value: {{ $spec.port | quote }}
            {{- range .extraEnv }}
            - name: {{ .name }}
              value: {{ .value | quote }}
            {{- end }}
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: OTEL_RESOURCE_ATTRIBUTES
              value: "k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME),watchfloor.component={{ .component }}"
            {{- range $name, $value := $spec.env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
            failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
          {{- if $root.Values.preStopSleepSeconds }}
          lifecycle:
            preStop:
              exec:
                command:
                  - sleep
                  - {{ $root.Values.preStopSleepSeconds | quote }}
          {{- end }}
          resources:
            {{- toYaml $spec.resources | nindent 12 }}
          securityContext:
            {{- include "watchfloor.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $root.Values.tmpSizeLimit }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "watchfloor.selectorLabels" . | nindent 14 }}
      {{- with $spec.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $spec.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $spec.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* Argument: (dict "root" $ "component" "api" "spec" .Values.api). */}}
{{- define "watchfloor.hpa" -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "watchfloor.componentName" . }}
  labels:
    {{- include "watchfloor.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "watchfloor.componentName" . }}
  minReplicas: {{ .spec.autoscaling.minReplicas }}
  maxReplicas: {{ .spec.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .spec.autoscaling.targetCPUUtilizationPercentage }}
    {{- with .spec.autoscaling.externalMetrics }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end -}}

{{/* Argument: (dict "root" $ "component" "api" "spec" .Values.api). */}}
{{- define "watchfloor.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "watchfloor.componentName" . }}
  labels:
    {{- include "watchfloor.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .spec.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "watchfloor.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* Argument: (dict "root" $ "component" "api" "port" 80 "targetPort" 3000 "type" "ClusterIP" "headless" false). */}}
{{- define "watchfloor.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "watchfloor.componentName" . }}
  labels:
    {{- include "watchfloor.labels" . | nindent 4 }}
    watchfloor.io/metrics: "true"
  {{- with .root.Values.services.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .type }}
  {{- if .headless }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "watchfloor.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
      protocol: TCP
{{- end -}}
