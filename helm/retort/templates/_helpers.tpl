{{/* Names and labels shared by every template. */}}

{{- define "retort.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "retort.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "retort.labels" -}}
{{ include "retort.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "retort.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "retort.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Leader election is on when asked for, and always with more than one replica. */}}
{{- define "retort.leaderElect" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicas) 1) -}}true{{- end -}}
{{- end -}}

{{/*
The controller's RBAC rules, read from files/rbac.yaml (a link to manifests/base/rbac.yaml, the
one source of the rules for both installs). Argument: (list $ "ClusterRole") for the rules of
the watch role, (list $ "Role") for the leader-election Role's.
*/}}
{{- define "retort.rbacRules" -}}
{{- $root := index . 0 -}}
{{- $kind := index . 1 -}}
{{- $found := false -}}
{{- range $doc := regexSplit "(?m)^---[ \t]*$" ($root.Files.Get "files/rbac.yaml") -1 -}}
{{- $obj := fromYaml $doc -}}
{{- if and (not $found) (eq (toString $obj.kind) $kind) -}}
{{- $found = true -}}
{{- toYaml $obj.rules -}}
{{- end -}}
{{- end -}}
{{- if not $found -}}
{{- fail (printf "files/rbac.yaml: no %s with rules (is the link to manifests/base/rbac.yaml intact?)" $kind) -}}
{{- end -}}
{{- end -}}
