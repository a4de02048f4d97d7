{{/* Egress rules the NetworkPolicies share. */}}

{{- define "rtw.egress.dns" -}}
- to:
    - namespaceSelector: {{ toJson .Values.networkPolicy.dns.namespaceSelector }}
      podSelector: {{ toJson .Values.networkPolicy.dns.podSelector }}
  ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
{{- end -}}

{{- define "rtw.egress.postgresql" -}}
- to:
{{- if .Values.postgresql.cnpg.enabled }}
    - podSelector:
        matchLabels:
          cnpg.io/cluster: {{ include "rtw.postgresCluster" . }}
{{- else }}
{{- if not .Values.networkPolicy.externalPostgresql.cidrs }}
{{- fail "networkPolicy.externalPostgresql.cidrs: say where the external PostgreSQL is (or turn networkPolicy off)" }}
{{- end }}
{{- range $cidr := .Values.networkPolicy.externalPostgresql.cidrs }}
    - ipBlock: {cidr: {{ $cidr }}}
{{- end }}
{{- end }}
  ports:
    - {port: {{ include "rtw.databasePort" . }}, protocol: TCP}
{{- end -}}

{{- define "rtw.egress.kafka" -}}
- to:
{{- if .Values.kafka.strimzi.enabled }}
    - podSelector:
        matchLabels:
          strimzi.io/cluster: {{ .Values.kafka.strimzi.clusterName }}
          strimzi.io/kind: Kafka
  ports:
    - {port: {{ .Values.kafka.strimzi.listenerPort }}, protocol: TCP}
{{- else }}
{{- if not .Values.networkPolicy.externalKafka.cidrs }}
{{- fail "networkPolicy.externalKafka.cidrs: say where the external Kafka is (or turn networkPolicy off)" }}
{{- end }}
{{- range $cidr := .Values.networkPolicy.externalKafka.cidrs }}
    - ipBlock: {cidr: {{ $cidr }}}
{{- end }}
  ports:
{{- range $port := .Values.networkPolicy.externalKafka.ports }}
    - {port: {{ $port }}, protocol: TCP}
{{- end }}
{{- end }}
{{- end -}}

{{- define "rtw.egress.keycloak" -}}
- to:
    - namespaceSelector: {{ toJson .Values.networkPolicy.keycloak.namespaceSelector }}
      podSelector: {{ toJson .Values.networkPolicy.keycloak.podSelector }}
  ports:
{{- range $port := .Values.networkPolicy.keycloak.ports }}
    - {port: {{ $port }}, protocol: TCP}
{{- end }}
{{- end -}}
