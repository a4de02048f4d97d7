{{/* Names, labels and the pieces every workload shares. */}}

{{- define "rtw.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rtw.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains (include "rtw.name" .) .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "rtw.name" .) | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What the chart reads from the code (python -m rtw_devstack.k8s.chart_data writes it). */}}
{{- define "rtw.kafkaAccess" -}}
{{- .Files.Get "files/kafka-access.json" -}}
{{- end -}}

{{/* The services, sorted: a list in JSON ({"services": [...]}) for fromJson. */}}
{{- define "rtw.serviceNames" -}}
{{- $access := include "rtw.kafkaAccess" . | fromJson -}}
{{- dict "services" (keys $access.services | sortAlpha) | toJson -}}
{{- end -}}

{{/* Which APIs call which other services' public APIs, with their caller's token: intake's
     Patient/$everything gathers workplan's and employer's FHIR resources (docs/fhir.md); workplan's
     workspace (/clinic) reads and writes intake, employer and notify for the signed-in therapist.
     The API's env (RTW_<SVC>_<PEER>_API_URL) and the NetworkPolicies both come from this one map. */}}
{{- define "rtw.apiPeers" -}}
{{- dict "intake" (list "workplan" "employer") "workplan" (list "intake" "employer" "notify") | toJson -}}
{{- end -}}

{{/* Labels: call with (dict "root" $ "component" "api" "service" "intake"); service is optional. */}}
{{- define "rtw.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rtw.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .service }}
rtw/service: {{ . }}
{{- end }}
{{- end -}}

{{- define "rtw.labels" -}}
{{ include "rtw.selectorLabels" . }}
app.kubernetes.io/part-of: rtw
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* A service's API or worker settings: the defaults merged with services.<name>.<kind>.
     Call with (dict "root" $ "service" "intake" "kind" "api"); returns YAML for fromYaml. */}}
{{- define "rtw.component" -}}
{{- $defaults := deepCopy (index .root.Values .kind) -}}
{{- $service := default dict (index (default dict .root.Values.services) .service) -}}
{{- $own := deepCopy (default dict (index $service .kind)) -}}
{{- toYaml (mergeOverwrite $defaults $own) -}}
{{- end -}}

{{- define "rtw.imageRef" -}}
{{- $tag := .tag | default .root.Chart.AppVersion -}}
{{- $repository := .repository -}}
{{- with .root.Values.image.registry }}{{ $repository = printf "%s/%s" . $repository }}{{ end -}}
{{- if .digest -}}
{{- printf "%s@%s" $repository .digest -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The service's image: (dict "root" $ "service" "intake"). */}}
{{- define "rtw.image" -}}
{{- $image := .root.Values.image -}}
{{- include "rtw.imageRef" (dict "root" .root "repository" (printf "%s%s" $image.repositoryPrefix .service) "tag" $image.tag "digest" $image.digest) -}}
{{- end -}}

{{- define "rtw.toolsImage" -}}
{{- $image := .Values.toolsImage -}}
{{- include "rtw.imageRef" (dict "root" . "repository" $image.repository "tag" $image.tag "digest" $image.digest) -}}
{{- end -}}

{{/* A Secret's name from its pattern: (dict "root" $ "pattern" "..." "service" "intake"). */}}
{{- define "rtw.secretName" -}}
{{- $name := .pattern | replace "{release}" .root.Release.Name -}}
{{- if .service -}}
{{- $name = $name | replace "{service}" .service | replace "{user}" (include "rtw.kafkaUser" (dict "root" .root "service" .service)) -}}
{{- end -}}
{{- $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rtw.kafkaUser" -}}
{{- printf "%s%s" .root.Values.kafka.userPrefix .service -}}
{{- end -}}

{{- define "rtw.postgresCluster" -}}
{{- printf "%s-postgres" (include "rtw.fullname" .) -}}
{{- end -}}

{{- define "rtw.databaseHost" -}}
{{- if .Values.postgresql.cnpg.enabled -}}
{{- printf "%s-rw" (include "rtw.postgresCluster" .) -}}
{{- else -}}
{{- required "postgresql.external.host is required when postgresql.cnpg.enabled is false" .Values.postgresql.external.host -}}
{{- end -}}
{{- end -}}

{{- define "rtw.databasePort" -}}
{{- if .Values.postgresql.cnpg.enabled }}5432{{ else }}{{ .Values.postgresql.external.port }}{{ end -}}
{{- end -}}

{{- define "rtw.kafkaBootstrap" -}}
{{- if .Values.kafka.bootstrapServers -}}
{{- .Values.kafka.bootstrapServers -}}
{{- else if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap:%v" .Values.kafka.strimzi.clusterName .Values.kafka.strimzi.listenerPort -}}
{{- else -}}
{{- fail "kafka.bootstrapServers is required when kafka.strimzi.enabled is false" -}}
{{- end -}}
{{- end -}}

{{- define "rtw.keycloakIssuer" -}}
{{- printf "%s/realms/%s" (trimSuffix "/" .Values.keycloak.publicUrl) .Values.keycloak.realm -}}
{{- end -}}

{{- define "rtw.portalUrl" -}}
{{- printf "https://%s" .Values.ingress.host -}}
{{- end -}}

{{/* The therapist's workspace answers on the same host as the portal, under /clinic (ingress.yaml). */}}
{{- define "rtw.workspaceUrl" -}}
{{- include "rtw.portalUrl" . -}}
{{- end -}}

{{/* The migrations' install hook: before anything when the database and its Secrets exist already,
     right after they are created when this release creates them. */}}
{{- define "rtw.migrationInstallHook" -}}
{{- if or .Values.postgresql.cnpg.enabled .Values.externalSecrets.enabled -}}
post-install
{{- else -}}
pre-install
{{- end -}}
{{- end -}}

{{/* One environment variable; a value that is not a string is passed as JSON (pydantic-settings
     parses lists and numbers from it). */}}
{{- define "rtw.envValue" -}}
{{- if kindIs "string" . -}}
{{- . | quote -}}
{{- else -}}
{{- toJson . | quote -}}
{{- end -}}
{{- end -}}

{{/* The environment of a service's process: (dict "root" $ "service" "intake" "kind" "api|worker|migrate").
     The database password travels as libpq's PGPASSWORD, never inside a URL; the migrations get the
     owner's credentials, the API and worker the application role's. */}}
{{- define "rtw.env" -}}
{{- $root := .root -}}
{{- $svc := .service -}}
{{- $prefix := printf "RTW_%s_" (upper $svc) -}}
{{- $role := ternary "owner" "app" (eq .kind "migrate") -}}
{{- $dbSecret := include "rtw.secretName" (dict "root" $root "pattern" (index $root.Values.secrets.database $role) "service" $svc) -}}
{{- $url := printf "postgresql+psycopg://$(DB_USERNAME)@%s:%s/%s?sslmode=%s" (include "rtw.databaseHost" $root) (include "rtw.databasePort" $root) $svc $root.Values.postgresql.sslmode -}}
- name: DB_USERNAME
  valueFrom: {secretKeyRef: {name: {{ $dbSecret }}, key: username}}
- name: PGPASSWORD
  valueFrom: {secretKeyRef: {name: {{ $dbSecret }}, key: password}}
- name: {{ $prefix }}ENVIRONMENT
  value: {{ $root.Values.environment | quote }}
- name: {{ $prefix }}DATABASE_URL
  value: {{ $url | quote }}
{{- if eq .kind "migrate" }}
- name: {{ $prefix }}MIGRATION_DATABASE_URL
  value: {{ $url | quote }}
- name: RTW_DB_APP_ROLE
  valueFrom: {secretKeyRef: {name: {{ include "rtw.secretName" (dict "root" $root "pattern" $root.Values.secrets.database.app "service" $svc) }}, key: username}}
{{- else }}
- name: {{ $prefix }}MIGRATION_DATABASE_URL
  value: ""
{{- end }}
- name: {{ $prefix }}KAFKA_BOOTSTRAP
  value: {{ include "rtw.kafkaBootstrap" $root | quote }}
- name: {{ $prefix }}KAFKA_USERNAME
  value: {{ include "rtw.kafkaUser" (dict "root" $root "service" $svc) | quote }}
{{- if ne .kind "migrate" }}
- name: {{ $prefix }}KAFKA_PASSWORD
  valueFrom: {secretKeyRef: {name: {{ include "rtw.secretName" (dict "root" $root "pattern" $root.Values.secrets.kafka "service" $svc) }}, key: password}}
{{- end }}
- name: {{ $prefix }}KEYCLOAK_URL
  value: {{ $root.Values.keycloak.url | quote }}
- name: {{ $prefix }}KEYCLOAK_REALM
  value: {{ $root.Values.keycloak.realm | quote }}
- name: {{ $prefix }}KEYCLOAK_ISSUER
  value: {{ include "rtw.keycloakIssuer" $root | quote }}
{{- if eq .kind "worker" }}
- name: {{ $prefix }}WORKER_HEALTH_PORT
  value: {{ (include "rtw.component" (dict "root" $root "service" $svc "kind" "worker") | fromYaml).healthPort | quote }}
- name: {{ $prefix }}WORKER_HEALTH_HOST
  value: "0.0.0.0"
{{- end }}
{{- if eq .kind "api" }}
- name: FORWARDED_ALLOW_IPS
  value: {{ (include "rtw.component" (dict "root" $root "service" $svc "kind" "api") | fromYaml).forwardedAllowIps | quote }}
{{- end }}
{{- if eq $svc "notify" }}
- name: {{ $prefix }}PORTAL_URL
  value: {{ printf "%s/portal" (include "rtw.portalUrl" $root) | quote }}
- name: {{ $prefix }}WORKSPACE_URL
  value: {{ include "rtw.workspaceUrl" $root | quote }}
- name: {{ $prefix }}SMTP_HOST
  value: {{ required "smtp.host is required" $root.Values.smtp.host | quote }}
- name: {{ $prefix }}SMTP_PORT
  value: {{ $root.Values.smtp.port | quote }}
- name: {{ $prefix }}MAIL_FROM
  value: {{ required "smtp.from is required" $root.Values.smtp.from | quote }}
{{- end }}
{{- if eq .kind "api" }}
{{- /* The other services' APIs this one calls (rtw.apiPeers), through their Services. */}}
{{- range $peer := (index (include "rtw.apiPeers" $root | fromJson) $svc | default list) }}
- name: {{ $prefix }}{{ upper $peer }}_API_URL
  value: {{ printf "http://%s-%s" (include "rtw.fullname" $root) $peer | quote }}
{{- end }}
{{- end }}
{{- if eq $svc "intake" }}
{{- if eq .kind "migrate" }}
{{- /* The migrations read no directory: no client, and so no secret to hold. */}}
- name: {{ $prefix }}DIRECTORY_CLIENT_ID
  value: ""
{{- else }}
{{- $directory := include "rtw.secretName" (dict "root" $root "pattern" $root.Values.secrets.intakeDirectory) }}
- name: {{ $prefix }}DIRECTORY_CLIENT_ID
  valueFrom: {secretKeyRef: {name: {{ $directory }}, key: username}}
- name: {{ $prefix }}DIRECTORY_CLIENT_SECRET
  valueFrom: {secretKeyRef: {name: {{ $directory }}, key: password}}
{{- end }}
{{- end }}
{{- $own := default dict (index (default dict $root.Values.services) $svc) }}
{{- $config := mergeOverwrite (deepCopy $root.Values.config) (deepCopy (default dict $own.config)) }}
{{- range $field := keys $config | sortAlpha }}
{{- $value := index $config $field }}
{{- if not (kindIs "invalid" $value) }}
- name: {{ printf "%s%s" $prefix (upper $field) }}
  value: {{ include "rtw.envValue" $value }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod-level settings every workload shares: (dict "root" $ "component" $component). */}}
{{- define "rtw.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .component.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Spread a component's pods over nodes and zones: (dict "root" $ "component" $c "labels" (dict ...)). */}}
{{- define "rtw.topologySpread" -}}
{{- if .component.topologySpread.enabled -}}
topologySpreadConstraints:
{{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: {{ $.component.topologySpread.maxSkew }}
    topologyKey: {{ $key }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "rtw.selectorLabels" $.labels | nindent 8 }}
{{- end }}
{{- end }}
{{- end -}}

{{/* /tmp is the only writable place (the root filesystem is read-only). */}}
{{- define "rtw.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "rtw.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Before an API or worker starts: wait until its database is at the image's newest migration
     (`rtw-<service>-migrate --wait`, as the application role), so new code never meets an old schema,
     whichever hook ran the migrations or if something else runs them. (dict "root" $ "service" "intake" "kind" "api") */}}
{{- define "rtw.waitForMigrations" -}}
{{- if .root.Values.migrations.waitInPods -}}
initContainers:
  - name: wait-for-migrations
    image: {{ include "rtw.image" (dict "root" .root "service" .service) }}
    imagePullPolicy: {{ .root.Values.image.pullPolicy }}
    command: ["rtw-{{ .service }}-migrate", "--wait", "{{ .root.Values.migrations.waitSeconds }}"]
    env:
      {{- include "rtw.env" . | nindent 6 }}
    resources:
      {{- toYaml .root.Values.migrations.waitResources | nindent 6 }}
    securityContext:
      {{- toYaml .root.Values.securityContext | nindent 6 }}
    volumeMounts:
      {{- include "rtw.tmpMount" .root | nindent 6 }}
{{- end }}
{{- end -}}
