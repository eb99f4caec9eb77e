{{/* Names and labels shared by every template. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "delivery-overview.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* release-chart, cut to the 63 characters Kubernetes names allow; fullnameOverride wins. */}}
{{- define "delivery-overview.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "delivery-overview.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "delivery-overview.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Labels that select the gateway pods; never change them on upgrade (selectors are immutable). */}}
{{- define "delivery-overview.selectorLabels" -}}
app.kubernetes.io/name: {{ include "delivery-overview.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "delivery-overview.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "delivery-overview.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The image reference; the tag defaults to the chart's appVersion. */}}
{{- define "delivery-overview.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The Secret holding ROOT_TOKEN, SECRETS_KEY and the ClickHouse passwords. */}}
{{- define "delivery-overview.secretName" -}}
{{- default (include "delivery-overview.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Environment shared by the gateway and the migration Job. Every value the configuration
validates at start (README, Configuration) is set here, so a missing one fails the render,
not the pod.
*/}}
{{- define "delivery-overview.env" -}}
- name: CLICKHOUSE_URL
  value: {{ required "clickhouse.url is required: the gateway's ClickHouse server, e.g. https://clickhouse.internal:8443" .Values.clickhouse.url | quote }}
- name: CLICKHOUSE_DATABASE
  value: {{ .Values.clickhouse.database | quote }}
{{- if .Values.clickhouse.cluster }}
- name: CLICKHOUSE_CLUSTER
  value: {{ .Values.clickhouse.cluster | quote }}
{{- end }}
- name: SECRETS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "delivery-overview.secretName" . }}
      key: secrets-key
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: DATA_DIR
  value: /data
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
